"""Lock and unlock GNOME Keyring's default collection, for the locked-keyring test.

Unlocking without a prompt uses GNOME Keyring's own (unsupported, but long
stable) ``UnlockWithMasterPassword`` D-Bus method, with the throw-away keyring's
password that .ci/run sets. secretstorage and jeepney come with keyring on Linux.
"""

from __future__ import annotations

from typing import Any

SECRETS_PATH = "/org/freedesktop/secrets"
SECRETS_BUS_NAME = "org.freedesktop.secrets"
GNOME_INTERNAL = "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface"


def _call(
    bus: Any, interface: str, method: str, signature: str, body: tuple[Any, ...]
) -> Any:
    from jeepney import DBusAddress, new_method_call

    address = DBusAddress(SECRETS_PATH, bus_name=SECRETS_BUS_NAME, interface=interface)
    reply = bus.send_and_get_reply(new_method_call(address, method, signature, body))
    return reply.body


def lock_default_collection() -> None:
    """Lock the collection keyring writes to, as a screen lock or logout would."""
    import secretstorage

    with secretstorage.dbus_init() as bus:
        secretstorage.get_default_collection(bus).lock()


def default_collection_locked() -> bool:
    """True while the default collection is locked."""
    import secretstorage

    with secretstorage.dbus_init() as bus:
        return bool(secretstorage.get_default_collection(bus).is_locked())


def unlock_default_collection(password: str) -> None:
    """Unlock the default collection with its password, without any prompt."""
    import secretstorage

    service = "org.freedesktop.Secret.Service"
    with secretstorage.dbus_init() as bus:
        (collection,) = _call(bus, service, "ReadAlias", "s", ("default",))
        _output, session = _call(
            bus, service, "OpenSession", "sv", ("plain", ("s", ""))
        )
        secret = (session, b"", password.encode(), "text/plain")
        _call(
            bus,
            GNOME_INTERNAL,
            "UnlockWithMasterPassword",
            "o(oayays)",
            (collection, secret),
        )
