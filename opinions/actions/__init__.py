"""Every write of an opinion collection (Điều 7), one module per topic; import the topic module.

- `collections`: the settings a–k checked (`check_input`), create, edit before the release,
  extend the expiry, the recommendation;
- `lifecycle`: the collection row lock and what the clock decides: the release and the close
  (`ensure_released` / `ensure_closed`, called by the tasks and by the pages);
- `answers`: answer and change the answer, for oneself or for a consulted unit, secret or named;
- `signatures`: a signed ballot verified and counted (uploaded, or signed by the remote service);
- `attachments`: the documents attached to a question, checked like meeting documents.

Each action is atomic, checked with `can()`, audited (`log_action`), and, from the release on,
appended to the collection's ballot log (`opinions.log`). Time decides: an answer after the
expiry is refused even if the close task has not run.
"""
