"""Server-rendered web pages (under /ui) for staff, approvers and auditors."""
