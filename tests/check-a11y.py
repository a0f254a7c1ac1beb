#!/usr/bin/python3
# Reads the running app's accessibility tree over AT-SPI (as a screen reader
# would) and checks that every button, toggle, entry and list row people can
# reach has a name. TAP output. Run inside Xvfb and a private D-Bus session
# (tests/check-a11y.sh does both).
import os
import re
import subprocess
import sys
import time

import pyatspi

ROLES = {
    pyatspi.ROLE_PUSH_BUTTON: "button",
    pyatspi.ROLE_TOGGLE_BUTTON: "toggle button",
    pyatspi.ROLE_TEXT: "text field",
    pyatspi.ROLE_PASSWORD_TEXT: "password field",
    pyatspi.ROLE_SPIN_BUTTON: "spin button",
    pyatspi.ROLE_SWITCH if hasattr(pyatspi, "ROLE_SWITCH") else pyatspi.ROLE_TOGGLE_BUTTON: "switch",
    pyatspi.ROLE_COMBO_BOX: "combo box",
}


def find_app(name, timeout):
    end = time.time() + timeout
    while time.time() < end:
        for app in pyatspi.Registry.getDesktop(0):
            if app is not None and app.name == name:
                return app
        time.sleep(0.3)
    return None


def walk(node, path, out):
    try:
        role = node.getRole()
        states = node.getState()
    except Exception:
        return
    label = ROLES.get(role)
    if label is not None and states.contains(pyatspi.STATE_VISIBLE):
        out.append((label, node.name or "", path))
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is not None:
            walk(child, path + " > " + (child.getRoleName() or "?"), out)


def main():
    app_bin = os.environ.get("PM_APP_BIN")
    if not app_bin or not os.path.exists(app_bin):
        print("1..0 # SKIP PM_APP_BIN is not built")
        return 0
    env = dict(os.environ, GSETTINGS_BACKEND="memory")
    env.pop("NO_AT_BRIDGE", None)
    env.pop("GTK_A11Y", None)
    # Start the accessibility bus and its registry before the app: an app
    # that comes up first, while the registry is being activated, is
    # sometimes never listed on the desktop.
    pyatspi.Registry.getDesktop(0).childCount
    proc = subprocess.Popen([app_bin, "--sandbox"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        app = find_app("perimeter", 60)
        if app is None:
            print("1..1\nnot ok 1 - the app appears on the accessibility bus")
            return 1
        time.sleep(3)   # let the sandbox's lists load
        controls = []
        walk(app, "app", controls)
        unnamed = [c for c in controls if not c[1].strip()]
        # A bare type name ("GtkToggleButton", "GtkImage") is GTK's fallback
        # for a control nothing names: a drop-down's button, an icon button
        # with only a tooltip.
        fallback = [c for c in controls if re.fullmatch(r"(Gtk|Adw)[A-Za-z]+", c[1])]
        dropdowns = [c for c in fallback if c[2].endswith("combo box > push button")]
        unnamed += dropdowns
        fallback = [c for c in fallback if c not in dropdowns]
        print("1..3")
        print("%s 1 - the main window exposes its controls (%d found)"
              % ("ok" if len(controls) >= 10 else "not ok", len(controls)))
        for label, _, path in unnamed:
            print("# unnamed %s: %s" % (label, path))
        print("%s 2 - every control has an accessible name (%d unnamed)"
              % ("ok" if not unnamed else "not ok", len(unnamed)))
        for label, name, path in fallback:
            print("# named by type only (%s) %s: %s" % (name, label, path))
        # Known: the wizard's copy buttons (src/ui/pm-wizard-page.ui), which
        # another change owns; the drop-downs above are held to it strictly.
        print("%s 3 - no control is named by its type only (%d found)%s"
              % ("ok" if not fallback else "not ok", len(fallback),
                 " # TODO icon buttons named only by a tooltip" if fallback else ""))
        return 0 if not unnamed and len(controls) >= 10 else 1
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    sys.exit(main())
