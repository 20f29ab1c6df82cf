"""Every write to meetings, one module per topic (docs/conventions.md §2-3, §16; zulip's `zerver/actions/`).

`check_*` validates into clean values; `do_*` mutates atomically, audits, and sends
notifications / schedules tasks on commit. Import from the topic module:

- `registration`: the registration form's data, create, edit, submit for approval (Điều 6.1);
- `approval`: approve, return, reject (Điều 6.2);
- `scheduling`: postpone, cancel;
- `invitations`: answers, substitutes, attendees named by an invited unit (Điều 6.3);
- `support`: support requests before the meeting (Điều 6.3b-c);
- `rooms`: meeting rooms;
- `calendar_feeds`: the personal iCal feed;
- `common`: the checks and helpers several topics share.

This module re-exports nothing.
"""
