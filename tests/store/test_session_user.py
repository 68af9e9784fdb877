"""Who the audit log and elections name when no user is configured."""

from __future__ import annotations

import getpass
import os
import pwd
from pathlib import Path

import pytest

from desktop_app.elections import Election, confirm_election
from desktop_app.settings import Settings, current_user
from desktop_app.store import Workspace

_NAME_VARS = ("MIPSDESK_USER", "USER", "USERNAME", "LOGNAME", "LNAME")


@pytest.fixture
def no_user_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in _NAME_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.usefixtures("no_user_variables")
def test_without_user_variables_the_account_name_is_used(tmp_path: Path) -> None:
    account = pwd.getpwuid(os.getuid()).pw_name
    assert current_user() == account
    with Workspace.open(tmp_path / "a.mipsdesk") as ws:
        assert ws.user == account
        record = confirm_election(
            ws, 2025, "123456789", None, Election.OPT_IN, "CONFIRM", check_eligibility=False
        )
        assert record.confirmed_by == account
        assert [e.user for e in ws.audit_log(table="elections")] == [account]


@pytest.mark.usefixtures("no_user_variables")
def test_unknown_user_only_when_the_system_knows_no_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_account() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr(getpass, "getuser", no_account)
    assert current_user() == "unknown user"


@pytest.mark.usefixtures("no_user_variables")
def test_settings_name_still_comes_first() -> None:
    assert current_user(Settings(user_name="Front Desk")) == "Front Desk"
