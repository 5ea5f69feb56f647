"""Names of the session keys the sign-in flow and the session policy share."""

MFA_VERIFIED = "himaya_mfa_verified"  # True once the second factor was checked in this session
STARTED = "himaya_started"  # epoch seconds at sign-in (absolute timeout)
LAST_SEEN = "himaya_last_seen"  # epoch seconds of the last request (idle timeout)
PENDING_NEXT = "himaya_pending_next"  # where to go once the second factor is checked
