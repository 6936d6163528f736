"""Deactivating and reactivating an account (services.users): history kept, sessions ended, audited, guarded."""

import pytest

from assessment.models import AuditEvent
from assessment.services import ServiceError
from assessment.services.users import deactivate_user, reactivate_user


def test_deactivate_ends_sessions_keeps_row_and_audits(app, make):
    hr = make.user("hr")
    person = make.user("candidate")
    version = person.session_version
    deactivate_user(person, actor=hr, reason="left the company")
    assert person.is_active is False and person.deactivated_at is not None
    assert person.session_version == version + 1
    event = AuditEvent.query.filter_by(kind="user.deactivate").one()
    assert event.actor_id == hr.id and event.after == {"active": False, "reason": "left the company"}
    with pytest.raises(ServiceError, match="already deactivated"):
        deactivate_user(person, actor=hr)
    reactivate_user(person, actor=hr)
    assert person.is_active is True and person.deactivated_at is None
    with pytest.raises(ServiceError, match="is active"):
        reactivate_user(person, actor=hr)


def test_nobody_deactivates_themselves_or_the_last_hr_account(app, make):
    hr = make.user("hr")
    with pytest.raises(ServiceError, match="your own account"):
        deactivate_user(hr, actor=hr)
    with pytest.raises(ServiceError, match="last active HR"):
        deactivate_user(hr, actor=None)
    second = make.user("hr")
    deactivate_user(second, actor=hr)
    assert second.is_active is False
