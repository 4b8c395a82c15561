"""A chapter organizer must set up an authenticator app before seeing anyone's data."""

import re
import time

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_organizer_sets_up_totp_then_reaches_the_people_list(
    page, live_server, personas, settings
):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    settings.BLOC_STAFF_MFA_REQUIRED = True
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", personas.organizer_a.email)
    page.fill("input[name=password]", personas.password)
    page.click("button[type=submit]")
    # Staff are sent to set up a second factor; allauth asks for the password once more first.
    assert "needs a second factor" in page.content()
    assert "/accounts/reauthenticate/" in page.url
    page.fill("input[name=password]", personas.password)
    page.click("main button[type=submit]")
    assert "/accounts/2fa/totp/activate/" in page.url
    secret = page.input_value("#authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.fill("input[name=code]", code)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/people/")
    assert page.url.endswith("/people/")
    assert page.locator("h1").inner_text() == "People"
    page.screenshot(path="var/e2e-organizer-after-totp.png", full_page=True)
