"""Sign-in, the session cookie, sign-out, CSRF on every form, the language."""
from __future__ import annotations

import io

import pytest

from web_support import Browser, password_of


def test_pages_need_signing_in(browser):
    anonymous = browser()
    response = anonymous.get("/tasks")
    assert response.status_code == 302 and response.headers["Location"].startswith("/signin?next=/tasks")
    assert anonymous.get("/").headers["Location"] == "/signin"


def test_signing_in_sets_a_signed_httponly_samesite_cookie(browser):
    person = browser()
    response = person.sign_in("ivanova")
    assert response.status_code == 302 and response.headers["Location"] == "/tasks"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("invoiceflow_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = person.get("/tasks")
    assert page.status_code == 200 and "Ivanova" in page.get_data(as_text=True)


def test_a_tampered_session_cookie_is_ignored(browser, app):
    person = browser("ivanova")
    client = person.client
    cookie = client.get_cookie("invoiceflow_session")
    client.set_cookie("invoiceflow_session", cookie.value[:-2] + ("AA" if not cookie.value.endswith("AA") else "BB"))
    assert client.get("/tasks").status_code == 302


def test_a_wrong_password_says_so_without_telling_which_part(browser):
    person = browser()
    response = person.sign_in("ivanova", "not-her-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "Неверное имя пользователя или пароль." in page
    assert 'value="ivanova"' in page  # the username stays typed in
    assert person.sign_in("nobody", "whatever-password").status_code == 401


def test_signing_in_returns_to_the_page_asked_for_but_never_to_another_site(browser):
    person = browser()
    response = person.post("/signin", {"username": "ivanova", "password": password_of("ivanova"),
                                       "next": "/invoices?scope=all"})
    assert response.headers["Location"] == "/invoices?scope=all"
    other = browser()
    response = other.post("/signin", {"username": "ivanova", "password": password_of("ivanova"),
                                      "next": "//evil.example/"})
    assert response.headers["Location"] == "/tasks"


def test_signing_out_ends_the_session(browser):
    person = browser("ivanova")
    response = person.post("/signout")
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    assert person.get("/tasks").status_code == 302


def test_a_new_password_signs_the_browser_out(browser, engine):
    person = browser("ivanova")
    engine.set_password("ivanova", "a-brand-new-one")
    assert person.get("/tasks").status_code == 302


@pytest.mark.parametrize("path", ["/signin", "/signout", "/language", "/invoices/new",
                                  "/tasks/x", "/tasks/x/claim", "/tasks/x/unclaim"])
def test_every_form_post_without_the_csrf_token_is_refused(browser, path):
    person = browser("ivanova")
    response = person.post(path, {"username": "ivanova"}, csrf=False)
    assert response.status_code == 400
    assert "Форма устарела" in response.get_data(as_text=True)
    forged = person.post(path, {"csrf_token": "forged"}, csrf=False)
    assert forged.status_code == 400


def test_a_token_of_another_session_is_refused(browser):
    mallory, ivanova = browser("petrov"), browser("ivanova")
    response = ivanova.post("/signout", {"csrf_token": mallory.csrf()})
    assert response.status_code == 400
    assert ivanova.get("/tasks").status_code == 200  # still signed in


def test_the_rest_api_keeps_bearer_tokens_and_needs_no_csrf(app, engine, people, invoice_process):
    token = engine.issue_token("ivanova")
    client = app.test_client()
    response = client.post("/api/v1/attachments", headers={"Authorization": f"Bearer {token}"},
                           data={"file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")})
    assert response.status_code == 201
    assert client.get("/api/v1/me").status_code == 401  # no session cookie counts there
    assert "Set-Cookie" not in response.headers


def test_pages_carry_security_headers(browser):
    response = browser().get("/signin")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_language_from_accept_language_then_the_choice_then_the_account(browser, engine):
    anonymous = browser()
    assert "Sign in" in anonymous.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "Вход" in anonymous.get("/signin").get_data(as_text=True)  # Russian by default
    anonymous.post("/language", {"locale": "en", "next": "/signin"})
    assert "<html lang=\"en\">" in anonymous.get("/signin").get_data(as_text=True)
    person = browser("ivanova")
    assert "Мои задачи" in person.get("/tasks", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert person.post("/language", {"locale": "en", "next": "/tasks"}).headers["Location"] == "/tasks"
    assert engine.sign_in("ivanova", password_of("ivanova"))[0].locale == "en"  # kept on the account
    page = person.get("/tasks").get_data(as_text=True)
    assert "My tasks" in page and "<html lang=\"en\">" in page


def test_a_nul_character_in_a_form_is_refused(browser):
    assert browser("ivanova").post("/signin", {"username": "iva\x00nova"}).status_code == 400


def test_an_unknown_page_of_a_known_kind_is_a_page(browser):
    person = browser("ivanova")
    response = person.get("/invoices/no-such-invoice")
    assert response.status_code == 404 and "Не найдено" in response.get_data(as_text=True)


def test_browser_helper_reads_the_token_from_the_page(app, passwords):
    person = Browser(app.test_client())
    assert len(person.csrf()) > 20
