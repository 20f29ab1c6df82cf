"""Every write to meeting documents, one module per topic (docs/conventions.md §2-3, §16). `check_*`
validates; `do_*` mutates atomically, audits, and notifies / enqueues processing on commit.

- `versions`: adding a document, a new version of it, withdrawing it;
- `uploads`: the resumable upload that ends in a document or a version (documents.upload);
- `approval`: approving (publishing, Điều 6.1c) and returning, one or several at once;
- `restriction`: who may open a document and whether they may download it (Điều 6.1b);
- `reading`: opens, downloads and pages seen (read receipts);
- `notes`: a reader's private notes;
- `processing`: running the conversion of a failed version again.

Publishing rule: attendees see a document only while it is approved. A new version sends the
document back to the approver, and attendees cannot open it until that version is approved
(docs/documents.md explains why). Who is told of what is documents.notify.

Callers import the topic module; this package re-exports nothing.
"""
