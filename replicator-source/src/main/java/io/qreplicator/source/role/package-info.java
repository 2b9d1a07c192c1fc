/**
 * The source's side of a role change: it stops at its stand-down row and ships again when activated
 * ({@link io.qreplicator.core.role.SourceRoles} explains the protocol).
 */
package io.qreplicator.source.role;
