import pytest
from django.http import Http404

from postroom.accounts.models import Membership
from postroom.core.tenancy import get_scoped_or_404, scoped

pytestmark = pytest.mark.django_db


def test_it_keeps_only_the_workspaces_rows(owner, other_owner):
    assert list(scoped(Membership, owner.workspace)) == [owner]


def test_it_finds_nothing_without_a_workspace(owner):
    assert not scoped(Membership, None).exists()


def test_it_refuses_a_foreign_id_with_404(owner, other_owner):
    with pytest.raises(Http404):
        get_scoped_or_404(Membership, owner.workspace, pk=other_owner.pk)


def test_it_treats_a_malformed_id_as_not_found(owner):
    with pytest.raises(Http404):
        get_scoped_or_404(Membership, owner.workspace, pk="not-a-number")
