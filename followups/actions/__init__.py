"""Every write of follow-up (docs/conventions.md §2, §16), one module per topic: `tasks`
(create, accept, assign inside the unit, cancel), `progress` (reports, completion requested,
confirmed or sent back), `extensions` (requested, decided), `reminders` (before the deadline and
overdue, each sent once). Import from the topic module; this package re-exports nothing."""
