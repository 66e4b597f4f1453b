import contextlib
import functools
from collections.abc import Callable

import pytest
import redis
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from postroom.accounts.models import Membership, User
from postroom.accounts.roles import Role
from postroom.accounts.tests.factories import MembershipFactory, UserFactory, WorkspaceFactory


@functools.lru_cache(maxsize=2)
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (Redis outlives a test; allauth rate-limits in it)."""
    from django.conf import settings
    from django.core.cache import cache

    config = settings.CACHES["default"]
    if config["BACKEND"].endswith("RedisCache"):
        # Only this test process's keys: FLUSHDB would empty the other xdist
        # workers' rate limits and queues in the middle of their tests.
        client = _redis(config["LOCATION"])
        names = list(client.scan_iter(match=f"{config['KEY_PREFIX']}:*", count=1000))
        if names:
            client.delete(*names)
        return
    # Without database access (tests not marked django_db) the database cache
    # cannot be reached, and there is nothing in it to clear either.
    with contextlib.suppress(Exception):
        cache.clear()


@pytest.fixture
def member(db: None) -> Callable[..., Membership]:
    """Make a member: `member(role=Role.VIEWER, workspace=ws, user=u)`; fresh ones by default."""

    def make(role: str = Role.OWNER, **kwargs: object) -> Membership:
        membership = MembershipFactory(role=role, **kwargs)
        user = membership.user
        if user.default_workspace_id is None:
            user.default_workspace = membership.workspace
            user.save()
        return membership

    return make


@pytest.fixture
def owner(member: Callable[..., Membership]) -> Membership:
    return member(Role.OWNER)


@pytest.fixture
def other_owner(member: Callable[..., Membership]) -> Membership:
    """The owner of another workspace, whose data the tests try to reach."""
    return member(Role.OWNER, workspace=WorkspaceFactory(name="Other Co"))


@pytest.fixture
def login(client: Client) -> Callable[[User], Client]:
    def do(user: User) -> Client:
        client.force_login(user)
        return client

    return do


@pytest.fixture
def api() -> Callable[..., APIClient]:
    """An API client authenticated by token as `user`, in `workspace` when given."""

    def make(user: User | None = None, workspace: object = None) -> APIClient:
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        if workspace is not None:
            client.defaults["HTTP_X_WORKSPACE"] = str(workspace.pk)
        return client

    return make


@pytest.fixture
def user(db: None) -> User:
    return UserFactory()
