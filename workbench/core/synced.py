"""Is a folder inside a file-syncing service? SQLite's database and journal files can fork there.

OneDrive, Dropbox, Google Drive and iCloud copy files one by one and resolve clashes by making
"conflicted copies": two coders on two laptops then each hold half a database, and the -wal file
may arrive without its database. A project there should be shared with `workbench merge` instead.
"""

from __future__ import annotations

from pathlib import PurePath

# Path components (case-insensitive) that the services' clients create.
SERVICES = (
    ("onedrive", "OneDrive"),
    ("dropbox", "Dropbox"),
    ("google drive", "Google Drive"),
    ("googledrive", "Google Drive"),
    ("my drive", "Google Drive"),
    ("icloud drive", "iCloud"),
    ("icloud", "iCloud"),
    ("mobile documents", "iCloud"),
    ("com~apple~clouddocs", "iCloud"),
)


def synced_service(path: PurePath | str) -> str | None:
    """The syncing service whose folder holds `path`, or None.

    Matches whole path components, and components that start with a service's name (OneDrive
    names its folders "OneDrive - Organisation", Dropbox "Dropbox (Team)"; Google Drive for desktop
    mounts "GoogleDrive-…").
    """
    for part in PurePath(path).parts:
        low = part.lower().strip()
        for marker, name in SERVICES:
            if low == marker or low.startswith((marker + " -", marker + "-", marker + " (")):
                return name
    return None


def synced_warning(path: PurePath | str) -> str | None:
    """The one-line warning to print, or None when the folder is not synced."""
    service = synced_service(path)
    if service is None:
        return None
    return (f"warning: this project is inside a {service} folder ({path}); syncing services can split a "
            f"database into conflicting copies. Keep the project outside it, and share work with "
            f"'workbench export archive' and 'workbench merge' instead.")
