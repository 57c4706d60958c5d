"""Outbound calls of the notices: a WeCom group robot, a DingTalk custom robot (signed), e-mail.

Only the hosts of NOTICES_WEBHOOK_HOSTS are ever called (an address typed into a channel cannot
make the portal call into the bureau's own network), redirects are not followed, and every call
has a time-out. A refusal (HTTP error, errcode other than 0) raises `DeliveryError` with what to
log; the task retries it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.utils.translation import gettext as _


class DeliveryError(Exception):
    """A delivery that did not go through: `http_status` when the server answered."""

    def __init__(self, message: str, http_status: int | None = None):
        super().__init__(message)
        self.http_status = http_status


def check_webhook_url(url: str) -> None:
    """Refuse an address whose host is not a robot host of NOTICES_WEBHOOK_HOSTS (https only,
    except for the loopback address a test receiver listens on)."""
    parts = urllib.parse.urlsplit(url or "")
    host = (parts.hostname or "").lower()
    allowed = {h.lower() for h in settings.NOTICES_WEBHOOK_HOSTS}
    if host not in allowed:
        raise ValidationError(
            _("The webhook address must be on one of these hosts: %(hosts)s.")
            % {"hosts": ", ".join(sorted(allowed))}
        )
    if parts.scheme != "https" and not (parts.scheme == "http" and host in {"127.0.0.1", "localhost"}):
        raise ValidationError(_("The webhook address must start with https://."))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a robot never redirects; following one could lead anywhere


def _opener() -> urllib.request.OpenerDirector:
    proxy = settings.NOTICES_HTTP_PROXY
    proxies = {"http": proxy, "https": proxy} if proxy else {}
    return urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _NoRedirect())


def post_json(url: str, payload: dict) -> tuple[int, dict]:
    """POST `payload` as JSON; the status and the JSON answer. Raises DeliveryError."""
    try:
        check_webhook_url(url)
    except ValidationError as error:
        raise DeliveryError(error.messages[0]) from None
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with _opener().open(request, timeout=settings.NOTICES_HTTP_TIMEOUT) as response:
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}: {error.reason}", http_status=error.code) from None
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"{error.__class__.__name__}: {reason}") from None
    try:
        answer = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise DeliveryError(f"HTTP {status}: not JSON: {raw[:200]!r}", http_status=status) from None
    if not isinstance(answer, dict):
        answer = {}
    if answer.get("errcode", 0) != 0:
        raise DeliveryError(
            f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:500], http_status=status
        )
    return status, answer


def _markdown(subject: str, body: str, link: str) -> str:
    text = f"**{subject}**\n\n{body}"
    if link:
        text += f"\n\n[{_('Open in the portal')}]({link})"
    return text


def wecom_send(url: str, *, subject: str, body: str, link: str) -> int:
    """企业微信群机器人: POST {"msgtype": "markdown", ...}; errcode 0 is success."""
    status, _answer = post_json(
        url, {"msgtype": "markdown", "markdown": {"content": _markdown(subject, body, link)}}
    )
    return status


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉自定义机器人加签: HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret, base64,
    URL-encoded."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    timestamp_ms = int(time.time() * 1000) if timestamp_ms is None else timestamp_ms
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_send(url: str, secret: str, *, subject: str, body: str, link: str) -> int:
    """钉钉自定义机器人: the signed address, POST {"msgtype": "markdown", ...}; errcode 0."""
    payload = {"msgtype": "markdown", "markdown": {"title": subject, "text": _markdown(subject, body, link)}}
    status, _answer = post_json(dingtalk_signed_url(url, secret), payload)
    return status


def email_send(address: str, *, subject: str, body: str, link: str) -> None:
    text = f"{body}\n\n{link}" if link else body
    try:
        send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [address], fail_silently=False)
    except (OSError, ConnectionError) as error:
        raise DeliveryError(f"{error.__class__.__name__}: {error}"[:500]) from None
