"""A long-lived LibreOffice converter, run by documents.conversion with the SYSTEM python.

Debian's python3-uno is built for /usr/bin/python3, not for the project's virtualenv, so this
file is a standalone script: standard library and `uno` only, no Django. It starts one headless
soffice with its own profile, connects to it over a named pipe (UNO), then serves requests, one
JSON object per line:

    stdin:  {"in": "/abs/source.docx", "out": "/abs/target.pdf", "type": "docx"}   ("type" optional)
    stdout: {"ok": true, "pages": 3}  |  {"ok": false, "error": "...", "fatal": false}

The first line it writes is {"ready": true, "pid": ..., "soffice_pid": ..., "sockets": [...]} once
soffice answers ("sockets": the pipe files soffice made in /tmp, for the caller to remove if it
has to kill soffice), or {"ready": false, "missing": "python3-uno" | "soffice", "error": "..."} before
exiting. End of stdin (or {"quit": true}) closes soffice and exits. "fatal" means soffice died;
the bridge exits after answering so the caller starts a fresh one.

Number formats follow --locale (default vi-VN): a cell of 23800000 formatted #,##0 reads
"23.800.000", as people in Vietnam write it, not "23,800,000". It is LibreOffice's "locale
setting" (ooSetupSystemLocale), written into the fresh profile before soffice starts; formats that
name their own locale ([$-409]#,##0) keep it.

Usage: python3 lo_bridge.py --soffice soffice --profile /tmp/dir [--locale vi-VN]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time

# The detected file type forces LibreOffice's import filter: a damaged .docx must fail to load,
# not be opened as plain text by type detection.
IMPORT_FILTERS = {
    "docx": "MS Word 2007 XML",
    "doc": "MS Word 97",
    "xlsx": "Calc MS Excel 2007 XML",
    "xls": "MS Excel 97",
    "pptx": "Impress MS PowerPoint 2007 XML",
}
# Export filter by the loaded document's service, most specific first.
EXPORT_FILTERS = (
    ("com.sun.star.presentation.PresentationDocument", "impress_pdf_Export"),
    ("com.sun.star.drawing.DrawingDocument", "draw_pdf_Export"),
    ("com.sun.star.sheet.SpreadsheetDocument", "calc_pdf_Export"),
    ("com.sun.star.text.GenericTextDocument", "writer_pdf_Export"),
)
CONNECT_TIMEOUT = 90.0
LOCALE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>{locale}</value></prop></item>
</oor:items>
"""
# LibreOffice writes page objects as "/Type/Page" and never uses object streams, so counting them
# is exact for its own output; the Django side still counts with pypdf.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--soffice", default="soffice")
    parser.add_argument("--profile", required=True, help="an empty directory for soffice's user profile")
    parser.add_argument("--locale", default="vi-VN", help="BCP 47 tag of the locale for number formats")
    args = parser.parse_args()

    # Only this stream carries the protocol; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    os.dup2(2, 1)

    def send(message: dict) -> None:
        out.write(json.dumps(message, ensure_ascii=False) + "\n")
        out.flush()

    try:
        import uno  # noqa: F401  (Debian package python3-uno)
    except ImportError as exc:
        send({"ready": False, "missing": "python3-uno", "error": f"cannot import uno: {exc}"})
        return 3
    soffice = shutil.which(args.soffice)
    if soffice is None:
        send({"ready": False, "missing": "soffice", "error": f"{args.soffice!r} not found"})
        return 3

    if not LOCALE.match(args.locale):
        send({"ready": False, "error": f"bad locale {args.locale!r}"})
        return 2
    office = Office(soffice, args.profile, args.locale)
    try:
        office.start()
    except Exception as exc:
        office.stop()
        send({"ready": False, "error": f"soffice did not start: {exc}"})
        return 4
    send({"ready": True, "pid": os.getpid(), "soffice_pid": office.process.pid, "sockets": office.sockets()})
    try:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                request = json.loads(line)
            except ValueError as exc:
                send({"ok": False, "error": f"bad request: {exc}"})
                continue
            if request.get("quit"):
                break
            try:
                pages = office.convert(request["in"], request["out"], request.get("type") or "")
            except Exception as exc:
                fatal = not office.alive()
                send({"ok": False, "error": f"{type(exc).__name__}: {exc}".strip(), "fatal": fatal})
                if fatal:
                    return 5
            else:
                send({"ok": True, "pages": pages})
    finally:
        office.stop()
    return 0


class Office:
    def __init__(self, soffice: str, profile: str, locale: str = "vi-VN") -> None:
        self.soffice = soffice
        self.profile = os.path.abspath(profile)
        self.locale = locale
        self.pipe = f"ecabinet_lo_{os.getpid()}_{secrets.token_hex(4)}"
        self.process: subprocess.Popen[bytes]
        self.desktop = None

    def start(self) -> None:
        import uno
        from com.sun.star.connection import NoConnectException

        # soffice keeps its settings in <profile>/user/registrymodifications.xcu and adds its
        # defaults to what it finds there on first start.
        os.makedirs(os.path.join(self.profile, "user"), exist_ok=True)
        with open(os.path.join(self.profile, "user", "registrymodifications.xcu"), "w", encoding="utf-8") as registry:
            registry.write(REGISTRY.format(locale=self.locale))
        # Same process group as this bridge: when the caller kills the group, soffice goes too.
        self.process = subprocess.Popen(  # noqa: S603  (fixed argument list)
            [
                self.soffice,
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                "--nofirststartwizard",
                f"-env:UserInstallation={uno.systemPathToFileUrl(self.profile)}",
                f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while True:
            try:
                context = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except NoConnectException:
                if self.process.poll() is not None:
                    raise RuntimeError(f"soffice exited with status {self.process.returncode}") from None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"no answer on pipe {self.pipe} after {CONNECT_TIMEOUT:.0f} s") from None
                time.sleep(0.1)
        self.desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)

    def alive(self) -> bool:
        return self.process.poll() is None

    def sockets(self) -> list[str]:
        """The pipe files soffice creates (osl/unx/pipe.cxx): ours, and its single-instance pipe named
        after the MD5 of the profile URL in UTF-16, one unpadded hex number per byte
        (desktop/source/app/officeipcthread.cxx). soffice removes them on a clean exit only."""
        import uno

        url = uno.systemPathToFileUrl(self.profile)
        digest = hashlib.md5(url.encode("utf-16-le"), usedforsecurity=False).digest()
        names = [self.pipe, "SingleOfficeIPC_" + "".join(f"{byte:x}" for byte in digest)]
        return [f"{folder}/OSL_PIPE_{os.getuid()}_{name}" for folder in ("/tmp", "/var/tmp") for name in names]  # noqa: S108

    def convert(self, source: str, target: str, file_type: str) -> int:
        import uno

        load: dict[str, object] = {
            "Hidden": True,
            "ReadOnly": True,
            "MacroExecutionMode": 0,  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
            "UpdateDocMode": 0,  # com.sun.star.document.UpdateDocMode.NO_UPDATE: no external links
        }
        if file_type in IMPORT_FILTERS:
            load["FilterName"] = IMPORT_FILTERS[file_type]
        if self.desktop is None:
            raise RuntimeError("soffice is not connected")
        document = self.desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(source)), "_blank", 0, _properties(load)
        )
        if document is None:
            raise RuntimeError("LibreOffice could not load the file")
        try:
            export = next((name for service, name in EXPORT_FILTERS if document.supportsService(service)), None)
            if export is None:
                raise RuntimeError("not a text, spreadsheet or presentation document")
            document.storeToURL(
                uno.systemPathToFileUrl(os.path.abspath(target)), _properties({"FilterName": export, "Overwrite": True})
            )
        finally:
            try:
                document.close(True)
            except Exception:
                document.dispose()
        with open(target, "rb") as pdf:
            return len(PAGE_OBJECT.findall(pdf.read()))

    def stop(self) -> None:
        process = getattr(self, "process", None)
        if process is None:
            return
        if process.poll() is None and self.desktop is not None:
            try:
                self.desktop.terminate()
            except Exception:  # noqa: S110  (already gone or disconnecting: killed below)
                pass
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _properties(values: dict) -> tuple:
    from com.sun.star.beans import PropertyValue

    result = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        result.append(prop)
    return tuple(result)


if __name__ == "__main__":
    sys.exit(main())
