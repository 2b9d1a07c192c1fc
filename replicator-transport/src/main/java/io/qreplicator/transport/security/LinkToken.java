package io.qreplicator.transport.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/**
 * The optional shared secret of a link: the source sends it in its Hello (inside TLS), the sink
 * compares it in constant time and refuses the session without saying more than "authentication
 * failed". Read from the first line of {@code token-file}; at least 16 characters.
 */
public final class LinkToken {
    private final byte[] value;

    private LinkToken(byte[] value) {
        this.value = value;
    }

    /** @return the token, or null when {@code file} is null (no token configured) */
    public static LinkToken read(Path file) {
        if (file == null) {
            return null;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LinkSecurityException("cannot read the link token " + file + " (" + e + "): create it with qrepl"
                    + " certs create, or fix links[].token-file", e);
        }
        String token = lines.isEmpty() ? "" : lines.get(0).strip();
        if (token.length() < 16) {
            throw new LinkSecurityException("the link token in " + file + " is shorter than 16 characters: write a"
                    + " random one (head -c 32 /dev/urandom | base64 > " + file + ")", null);
        }
        return new LinkToken(token.getBytes(StandardCharsets.UTF_8));
    }

    public String value() {
        return new String(value, StandardCharsets.UTF_8);
    }

    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }
}
