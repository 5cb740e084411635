"""Announcements and tips for sellers: authored by platform admins, read (with unread counts) by store members."""
