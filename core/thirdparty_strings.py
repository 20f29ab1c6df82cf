"""Third-party strings our users see, kept here so that makemessages puts them in our catalogue.

django-allauth ships no Vietnamese catalogue, so its form labels, error messages and flash
messages would appear in English on our Vietnamese pages. Our LOCALE_PATHS catalogue
(locale/vi/LC_MESSAGES/django.po) takes precedence over the catalogues of installed apps, so
translating the same msgids there is enough -- but makemessages only keeps msgids that it finds
in our own source tree and drops the rest as obsolete. Listing them here with ``gettext_noop``
marks them for extraction without translating anything at import time; nothing imports this
module.

Sources (django-allauth 65): allauth/account/forms.py, allauth/account/fields.py,
allauth/account/adapter.py (``DefaultAccountAdapter.error_messages``),
allauth/templates/account/messages/*.txt (``{% blocktrans %}``: ``{{name}}`` becomes ``%(name)s``)
and allauth/templates/account/signup_closed.html. When upgrading allauth, compare these msgids
with the new release; a msgid that no longer matches simply stops being translated.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop, npgettext_lazy

ALLAUTH_STRINGS = (
    # allauth/account/forms.py and fields.py: labels, placeholders and validation errors.
    gettext_noop("Username"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Forgot your password?"),
    gettext_noop("You must type the same password each time."),
    # allauth/account/adapter.py: DefaultAccountAdapter.error_messages that a username login sees.
    gettext_noop("This account is currently inactive."),
    gettext_noop("Please type your current password."),
    gettext_noop("Incorrect password."),
    gettext_noop("Invalid login."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Username can not be used. Please use other username."),
    gettext_noop("The new value must be different from the current one."),
    gettext_noop("Be patient, you are sending too many requests."),
    # allauth/templates/account/messages/*.txt: flash messages.
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
    gettext_noop("You cannot remove your primary email address (%(email)s)."),
    gettext_noop("Unable to confirm %(email)s because it is already confirmed by a different account."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Removed email address %(email)s."),
    gettext_noop("A sign-in code has been sent to %(recipient)s."),
    gettext_noop("A verification code has been sent to %(phone)s."),
    gettext_noop("You have verified phone number %(phone)s."),
    gettext_noop("Primary email address set."),
    gettext_noop("Your primary email address must be verified."),
    # allauth/templates/account/signup_closed.html: /auth/signup/ (accounts are never self-created).
    gettext_noop("Sign Up Closed"),
    gettext_noop("We are sorry, but the sign up is currently closed."),
)

# django.contrib.humanize's `naturaltime` (the notification centre's "3 tháng, 4 tuần trước"): its
# Vietnamese catalogue lacks the strings of anything older than a day (Django 5.2 humanize.py,
# NaturalTimeFormatter: "past-day" and the "naturaltime-past" units).
HUMANIZE_STRINGS = (
    gettext_noop("%(delta)s ago"),
    npgettext_lazy("naturaltime-past", "%(num)d year", "%(num)d years", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d month", "%(num)d months", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d week", "%(num)d weeks", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d day", "%(num)d days", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d hour", "%(num)d hours", "num"),
    npgettext_lazy("naturaltime-past", "%(num)d minute", "%(num)d minutes", "num"),
)
