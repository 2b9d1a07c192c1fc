package io.qreplicator.cli.logging;

import ch.qos.logback.classic.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** What the agents write to stderr, as journald and log shippers read it. */
@Isolated // replaces System.err and sets system properties
class LogSetupTest {
    @AfterEach
    void clear() {
        System.clearProperty("QREPL_LOG_FORMAT");
        System.clearProperty("QREPL_LOG_LEVEL");
    }

    /** What a fresh context set up by {@link LogSetup} writes to stderr while {@code logging} runs. */
    private static String stderrOf(Consumer<LoggerContext> logging) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what logback's provider gives its own context
        try {
            LogSetup setup = new LogSetup();
            setup.setContext(ctx);
            setup.configure(ctx);
            ctx.start(); // as logback's own start-up does after its configurators ran
            logging.accept(ctx);
        } finally {
            ctx.stop();
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textIsOneLinePerEventWithUtcTimeThreadLevelAndShortLoggerName() {
        String out = stderrOf(ctx -> ctx.getLogger("io.qreplicator.sink.SinkAgent").info("applied {} transactions", 3));
        assertThat(out).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\[[^]]+] INFO  SinkAgent - applied 3 transactions\\R");
    }

    @Test
    void jsonLinesCarryTheFormattedMessageOnly() {
        System.setProperty("QREPL_LOG_FORMAT", " JSON ");
        String out = stderrOf(ctx -> ctx.getLogger("io.qreplicator.sink.SinkAgent").warn("lag {} s", 12));
        assertThat(out.lines()).hasSize(1);
        assertThat(out).startsWith("{").contains("\"level\":\"WARN\"", "\"loggerName\":\"io.qreplicator.sink.SinkAgent\"",
                "\"formattedMessage\":\"lag 12 s\"").doesNotContain("\"message\"", "\"arguments\"", "\"sequenceNumber\"", "\"mdc\"");
    }

    @Test
    void anUnknownFormatIsNamedAndTextIsWritten() {
        System.setProperty("QREPL_LOG_FORMAT", "xml");
        String out = stderrOf(ctx -> ctx.getLogger("a.B").info("still here"));
        assertThat(out).contains("QREPL_LOG_FORMAT=xml is neither text nor json; logging as text").contains(" INFO  B - still here");
    }

    @Test
    void theLevelComesFromQreplLogLevelAndAnUnknownOneIsNamed() {
        System.setProperty("QREPL_LOG_LEVEL", "warn");
        String out = stderrOf(ctx -> {
            ctx.getLogger("a.B").info("not shown");
            ctx.getLogger("a.B").warn("shown");
        });
        assertThat(out).contains("WARN  B - shown").doesNotContain("not shown");
        System.setProperty("QREPL_LOG_LEVEL", "off");
        out = stderrOf(ctx -> ctx.getLogger("a.B").info("at info"));
        assertThat(out).contains("QREPL_LOG_LEVEL=off is none of").contains("INFO  B - at info");
    }

    @Test
    void anOperatorsOwnLogbackFileWins() {
        System.setProperty("logback.configurationFile", "/etc/qreplicator/logback.xml");
        try {
            LoggerContext ctx = new LoggerContext();
            LogSetup setup = new LogSetup();
            setup.setContext(ctx);
            assertThat(setup.configure(ctx)).isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).iteratorForAppenders().hasNext()).isFalse();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }

    @Test
    void librariesSayOnlyWhatMattersEvenAtDebug() {
        System.setProperty("QREPL_LOG_LEVEL", "debug");
        String out = stderrOf(ctx -> {
            ctx.getLogger("io.netty.channel.X").info("netty info");
            ctx.getLogger("net.openhft.chronicle.Y").info("chronicle info");
            ctx.getLogger("org.mariadb.jdbc.Z").warn("driver warning");
            ctx.getLogger("org.mariadb.jdbc.Z").error("driver error");
            ctx.getLogger("io.qreplicator.Q").debug("ours at debug");
        });
        assertThat(out).doesNotContain("netty info", "chronicle info", "driver warning").contains("driver error", "ours at debug");
    }
}
