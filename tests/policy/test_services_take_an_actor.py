"""Every public function of every ``services`` module takes an ``actor``: reads as much as writes, so each
one can ask its domain's policy. The few that cannot are listed here, each with why."""

import importlib
import inspect
import pkgutil

import app

EXCEPTIONS = {
    "app.tenants.services": {
        # who is acting is not known yet: the URL resolver and the job runner build the actor with these
        "actor_for",
        "membership_of",
        "tenants_of_user",
        "find_tenant_by_slug",
        "find_tenant",
        "ensure_active",
        # start-up wiring: another domain registers what to check before an OPD is removed
        "register_opd_reference",
    },
    "app.accounts.services": {
        # logging in, bearer tokens and server-side sessions: they find the person the actor is built for
        "authenticate",
        "live_token",
        "user_for_token",
        "open_session",
        "live_session",
        "end_session",
        "find_user",
        "find_user_by_email",
        # the account of someone an invitation, a provider or the operator's command vouches for
        "create_user",
        # turns typed text into an address, reads nothing
        "normalize_email",
    },
    "app.sso.services": {
        # an OpenID login under way: nobody is logged in yet
        "password_login_allowed",
        "ensure_tenant_active",
        "complete_tenant_login",
        "complete_ministry_login",
        "record_refusal",
        "client_settings",
    },
    "app.files.services": {
        "register_owner",  # start-up wiring: a domain says who reads the files of its objects
        "content_path",  # where a file the caller read with get_file lies
        "store_job_result",  # stores the running job's result as the job's own actor
    },
    # the runner's and the scheduler's plumbing; start_job checks who may start a kind
    "app.jobs.services": {"enqueue", "enqueue_platform"},
}


def services_modules() -> list[str]:
    names = []
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name.rsplit(".", 1)[-1] == "services":
            names.append(module.name)
    return sorted(names)


def public_functions(name: str):
    module = importlib.import_module(name)
    for attribute, value in vars(module).items():
        if not attribute.startswith("_") and inspect.isfunction(value) and value.__module__ == name:
            yield attribute, value


def test_every_public_service_function_takes_an_actor(app_ctx):
    missing = [
        f"{name}.{function}"
        for name in services_modules()
        for function, value in public_functions(name)
        if "actor" not in inspect.signature(value).parameters and function not in EXCEPTIONS.get(name, ())
    ]
    assert missing == []


def test_the_exceptions_are_still_public_functions_without_an_actor(app_ctx):
    """An exception that takes an actor now, or is gone, leaves the list."""
    for name, functions in EXCEPTIONS.items():
        found = dict(public_functions(name))
        for function in functions:
            assert function in found, f"{name}.{function}"
            assert "actor" not in inspect.signature(found[function]).parameters, f"{name}.{function}"


def test_the_services_modules_are_found():
    assert {"app.tenants.services", "app.masterplan.services", "app.masterplan.exchange.services"} <= set(
        services_modules()
    )
