"""API permissions by desk role; anonymous callers are refused everywhere."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.roles import can_configure, can_write


class DeskRolePermission(BasePermission):
    """Default for every API view: any signed-in user reads, PMs and admins write."""

    message = "Your role can read but not change this; ask a PM or an admin."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_write(user)


class DeskAdminPermission(BasePermission):
    """For configuration (schedules, flags, users): reads for all, writes for admins."""

    message = "Only a desk admin can change this."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return can_configure(user)


class DeskWriterPermission(BasePermission):
    """For reads that do work (running an analysis over GET for SSE): PMs and admins only."""

    message = "Only a PM or an admin can run analyses."

    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated) and can_write(user)
