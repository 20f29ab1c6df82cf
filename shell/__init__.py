"""The top floor: what a person sees around the apps (home page, menu, demo data, the pages of the project itself)."""
