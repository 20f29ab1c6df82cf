"""Every write to units and accounts, one module per topic (docs/conventions.md §16).

Each `do_*` is atomic and audited, and checks the actor's permission again (views authorize
first; the check keeps an action safe when it is called from elsewhere); `check_*` validates.
Import the topic module (`from accounts.actions.users import do_create_user`): this package
re-exports nothing.

- `users`: accounts and their details, activation, the first system administrator;
- `passwords`: resets, changes and forced changes of passwords;
- `two_factor`: resets of two-factor sign-in, and the audit of allauth's authenticator changes;
- `rights`: granting and revoking rights;
- `transfers`: moving an account to another unit (Điều 4.3a);
- `units`: the unit tree, its document receivers and meeting approvers;
- `sessions`: sign-in bookkeeping (failures, lockout, sign-in and sign-out) and ending sessions;
- `sso`: single sign-on (linking, refusals, accounts made on first sign-on);
- `privacy`: erasing personal data past its retention period.
"""
