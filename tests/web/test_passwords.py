"""Passwords: argon2id hashes, sign-in, sessions that end with a new password, the CLI."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from click.testing import CliRunner

from api.cli import main
from engine import passwords
from engine.errors import InvalidInput, UserNotFound
from engine.settings import Settings
from engine.users import find_user


def test_the_service_hashes_with_memory_hard_argon2id():
    hasher = PasswordHasher()  # what engine.passwords.HASHER is outside the tests
    assert hasher.type is Type.ID and hasher.memory_cost >= 64 * 1024 and hasher.time_cost >= 2
    assert isinstance(passwords.HASHER, PasswordHasher)


def test_a_password_is_stored_only_as_an_argon2id_hash(engine, people):
    engine.set_password("ivanova", "correct horse")
    with engine.database.read_only() as session:
        stored = find_user(session, "ivanova").password_hash
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_sign_in_needs_the_right_password_of_an_active_user(engine, people):
    engine.set_password("ivanova", "correct horse")
    user, key = engine.sign_in("ivanova", "correct horse")
    assert user.username == "ivanova" and len(key) == 32
    assert engine.sign_in("ivanova", "wrong horse") is None
    assert engine.sign_in("nobody", "correct horse") is None
    assert engine.sign_in("petrov", "") is None  # no password set: no web sign-in
    with engine.database.unit_of_work() as session:
        find_user(session, "ivanova").active = False
    assert engine.sign_in("ivanova", "correct horse") is None


def test_a_new_password_or_a_deactivation_ends_the_sessions(engine, people):
    engine.set_password("ivanova", "correct horse")
    _user, key = engine.sign_in("ivanova", "correct horse")
    assert engine.session_user("ivanova", key).username == "ivanova"
    assert engine.session_user("ivanova", "0" * 32) is None
    assert engine.session_user("petrov", key) is None
    engine.set_password("ivanova", "battery staple")
    assert engine.session_user("ivanova", key) is None


@pytest.mark.parametrize("password", ["short", "x" * 1025])
def test_passwords_are_8_to_1024_characters(engine, people, password):
    with pytest.raises(InvalidInput):
        engine.set_password("ivanova", password)


def test_setting_the_password_of_an_unknown_user_fails(engine, people):
    with pytest.raises(UserNotFound):
        engine.set_password("nobody", "correct horse")


def test_an_old_hash_is_upgraded_on_sign_in(engine, people, monkeypatch):
    engine.set_password("ivanova", "correct horse")
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(passwords, "HASHER", stronger)
    assert engine.sign_in("ivanova", "correct horse") is not None
    with engine.database.read_only() as session:
        stored = find_user(session, "ivanova").password_hash
    assert not stronger.check_needs_rehash(stored)


def test_cli_sets_a_password_asking_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INVOICEFLOW_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(main, ["users", "create", "ivanova", "--group", "employees"]).exit_code == 0
    result = runner.invoke(main, ["users", "set-password", "ivanova"], input="correct horse\ncorrect horse\n")
    assert result.exit_code == 0 and "password set for ivanova" in result.output
    assert "correct horse" not in result.output
    refused = runner.invoke(main, ["users", "set-password", "ivanova", "--password", "short"])
    assert refused.exit_code != 0 and "8 to 1024" in refused.output
    from engine import Engine

    engine = Engine.from_settings(Settings(data_dir=tmp_path))
    assert engine.sign_in("ivanova", "correct horse") is not None


def test_demo_users_can_sign_in_with_their_demo_passwords(tmp_path, monkeypatch):
    monkeypatch.setenv("INVOICEFLOW_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("INVOICEFLOW_DATABASE_URL", raising=False)
    runner = CliRunner()
    runner.invoke(main, ["db", "upgrade"])
    demo = runner.invoke(main, ["demo"])
    assert demo.exit_code == 0 and "ivanova / ivanova-demo" in demo.output
    from engine import Engine

    engine = Engine.from_settings(Settings(data_dir=tmp_path))
    for username in ("ivanova", "petrov", "sidorova", "director", "buh", "analyst", "admin"):
        assert engine.sign_in(username, f"{username}-demo") is not None, username
