package io.qreplicator.core.status;

import io.qreplicator.core.lifecycle.RunLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/** Rewrites an agent's {@link StatusFile} once a second, and a last time when it stops. */
public final class StatusPublisher extends RunLoop {
    private static final Logger log = LoggerFactory.getLogger(StatusPublisher.class);
    private final Path dataDir;
    private final Supplier<Map<String, Object>> status;

    public StatusPublisher(String agentName, Path dataDir, Supplier<Map<String, Object>> status) {
        super(agentName + "-status");
        this.dataDir = dataDir;
        this.status = status;
    }

    @Override
    protected void runOnce() throws InterruptedException {
        publish();
        pause(1000);
    }

    @Override
    protected void afterLoop() {
        publish();
    }

    private void publish() {
        try {
            StatusFile.write(dataDir, status.get());
        } catch (Exception e) {
            log.warn("cannot write status file in {}: {}", dataDir, e.toString());
        }
    }
}
