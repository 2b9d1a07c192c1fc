/** Who may speak on a link: TLS 1.3 with mutual certificates, a shared token, and the certificates' making. */
package io.qreplicator.transport.security;
