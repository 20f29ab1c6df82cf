"""Every write of the meeting room, one module per topic (docs/conventions.md §2, §16; zulip's `zerver/actions/`).

Each `do_*` is atomic, checks its rule with `can()` again (the view or consumer already did),
writes an audit entry, and emits its numbered event for the meeting's screens on commit.
Import from the topic module:

- `room`: the room's settings, start and end the meeting, the agenda, discussion, conclusions;
- `checkin`: self check-in (device, QR code, the websocket's bursts), attendance by the secretary;
- `speaking`: requests to speak and the floor (Điều 5.5);
- `voting`: in-meeting votes (the polls app's `meeting_vote` kind);
- `contributions`: comments and incidents;
- `common`: the room's row and its lock, shared by the topics.

This module re-exports nothing.
"""
