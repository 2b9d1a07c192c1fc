package io.qreplicator.cli.commands;

import io.qreplicator.transport.LinkConfig;
import io.qreplicator.transport.security.LinkSecurityException;
import io.qreplicator.transport.security.TlsContexts;

/** Reads one end's TLS and token files before its agent starts, so a bad file refuses the start. */
final class LinkFilesCheck {
    private LinkFilesCheck() {
    }

    /** @return null when the files of this end are usable, else what is wrong with them */
    static String problem(LinkConfig link, boolean sinkEnd) {
        try {
            TlsContexts.forEnd(link.security(), sinkEnd);
            return null;
        } catch (LinkSecurityException e) {
            return "link " + link.name() + ": " + e.getMessage();
        }
    }
}
