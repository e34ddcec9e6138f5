from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import View

from core import ratelimit
from core.ratelimit import RateLimitedPostMixin
from core.roles import is_observer, is_office_reviewer, is_organizer_member

from ..forms import OutboxPasswordResetForm

# A browser a person signed in with before is exempt from the login limits for that person.
KNOWN_BROWSER_COOKIE = "sc_signed_in_before"
KNOWN_BROWSER_SALT = "events.login.known-browser"
KNOWN_BROWSER_SECONDS = 90 * 24 * 3600


class LoginView(RateLimitedPostMixin, auth_views.LoginView):
    """Django's sign-in with soft limits beside django-axes' lock of a username at an address.

    A sign-in that fails counts its username once per address (``LOGIN_PER_ADDRESS``, and
    ``LOGIN_BURST_PER_ADDRESS`` over a few seconds: a guesser trying a new username each
    time) and its address once per username (``LOGIN_PER_USERNAME``: one account guessed at
    from many places). Each attempt is counted before its password is checked and given back
    when it succeeds, so a flood gets no more password checks than the limits allow, however
    many requests arrive at once. While a limit is spent, that address, or that username from
    anywhere, gets 429 until the window ends, except in a browser where that person signed in
    before (a signed cookie), so a flood of failures cannot lock the real owner out.
    """

    def rate_limit_reservations(self):
        # Decided from the raw POST: validating the form would check the password.
        username = ratelimit.normalised(self.request.POST.get("username"))
        if not username or not self.request.POST.get("password"):
            return []  # refused by the form without a password check
        if self._signed_in_here_before(username):
            # Nobody can lock a person out of a browser they signed in with before: not a flood
            # of failures for their username from elsewhere, nor a guesser behind the same address.
            return []
        address = self.client_address
        return [
            (ratelimit.LOGIN_BURST_PER_ADDRESS, address, username),
            (ratelimit.LOGIN_PER_ADDRESS, address, username),
            (ratelimit.LOGIN_PER_USERNAME, username, address),
        ]

    def form_valid(self, form):
        self.release_reservations()  # a successful sign-in counts nothing
        response = super().form_valid(form)
        response.set_signed_cookie(
            KNOWN_BROWSER_COOKIE,
            ratelimit.digest(ratelimit.normalised(form.get_user().get_username())),
            salt=KNOWN_BROWSER_SALT,
            max_age=KNOWN_BROWSER_SECONDS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response

    def _signed_in_here_before(self, username: str) -> bool:
        known = self.request.get_signed_cookie(
            KNOWN_BROWSER_COOKIE, default=None, salt=KNOWN_BROWSER_SALT, max_age=KNOWN_BROWSER_SECONDS
        )
        return known is not None and constant_time_compare(known, ratelimit.digest(username))


class PasswordResetView(RateLimitedPostMixin, auth_views.PasswordResetView):
    """Django's reset form: requests per address are limited (429); mails per e-mail address
    are limited silently (the usual "sent" page, as for an address nobody has)."""

    rate_limits = (ratelimit.PASSWORD_RESET_PER_ADDRESS,)
    form_class = OutboxPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = ratelimit.normalised(form.cleaned_data["email"])
        if not ratelimit.spend(ratelimit.PASSWORD_RESET_PER_EMAIL, email):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class AfterLoginView(LoginRequiredMixin, View):
    """Send each role to its own area after signing in."""

    def get(self, request, *args, **kwargs):
        user = request.user
        if is_office_reviewer(user) or is_observer(user):
            return redirect("board:home")
        if is_organizer_member(user):
            return redirect("organizer:dashboard")
        if user.is_staff:
            return redirect("admin:index")
        return redirect("home")

    post = get


@method_decorator(never_cache, name="dispatch")
class AccountMenuView(View):
    """The signed-in part of the navigation, for a public page served from the shared cache
    (``static/js/account_menu.js`` puts it in place): the person's areas, name, unread notices
    and the sign-out form. Nobody signed in: an empty answer, and the marker cookie goes."""

    def get(self, request):
        if not request.user.is_authenticated:
            return HttpResponse(status=204)
        return render(request, "_account_menu.html")
