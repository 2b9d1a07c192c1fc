package io.qreplicator.cli.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;

import java.util.Locale;

/**
 * qrepl's logging, to standard error (journald keeps it under systemd), one line per event:
 * <pre>
 *   text (default):  2026-12-03T10:45:00.123Z [main] INFO  SourceAgent - ...
 *   JSON lines:      QREPL_LOG_FORMAT=json (environment, e.g. in /etc/qreplicator/qrepl.env)
 * </pre>
 * Level: {@code QREPL_LOG_LEVEL=trace|debug|info|warn|error} (default info; {@code all} is taken as
 * trace). Both are read from a system property of that name first (tests), then the environment; a
 * value that is none of these, or {@code off}, is named on stderr and the default used: never a silent
 * agent. The libraries' own chatter is left out: Netty
 * and Chronicle below WARN, the MariaDB driver below ERROR (the agents report what matters, with
 * what to do). Secrets are never logged ({@code SecretsNotLoggedIT}).
 *
 * <p>Set up in code, found by logback through {@link java.util.ServiceLoader}, rather than from a
 * logback.xml: reading that XML loaded the JDK's XML parser, about 0.1 s of an agent's start without
 * an AppCDS archive and of {@code qrepl status} (docs/benchmarks.md, "logging set up in code"). An operator's
 * own logback configuration still wins: with {@code -Dlogback.configurationFile=FILE} in
 * {@code JAVA_OPTS}, logback reads that file instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} [%thread] %-5level %logger{0} - %msg%n";

    @Override
    public ExecutionStatus configure(LoggerContext ctx) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // logback's own configurator reads the operator's file
        }
        ctx.getStatusManager().add(new NopStatusListener()); // logback's notes about itself
        ConsoleAppender<ILoggingEvent> out = new ConsoleAppender<>();
        out.setContext(ctx);
        out.setName("stderr");
        out.setTarget("System.err");
        out.setEncoder("json".equals(format()) ? json(ctx) : text(ctx));
        out.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level());
        root.addAppender(out);
        ctx.getLogger("net.openhft").setLevel(Level.WARN);
        ctx.getLogger("io.netty").setLevel(Level.WARN);
        ctx.getLogger("org.mariadb.jdbc").setLevel(Level.ERROR);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    private static Encoder<ILoggingEvent> text(LoggerContext ctx) {
        PatternLayoutEncoder e = new PatternLayoutEncoder();
        e.setContext(ctx);
        e.setPattern(TEXT_PATTERN);
        e.start();
        return e;
    }

    private static Encoder<ILoggingEvent> json(LoggerContext ctx) {
        JsonEncoder e = new JsonEncoder();
        e.setContext(ctx);
        e.setWithSequenceNumber(false);
        e.setWithNanoseconds(false);
        e.setWithContext(false);
        e.setWithMDC(false);
        e.setWithArguments(false);
        e.setWithMessage(false);
        e.setWithFormattedMessage(true);
        e.setWithThrowable(true);
        e.start();
        return e;
    }

    /** "text" or "json". */
    static String format() {
        String f = setting("QREPL_LOG_FORMAT");
        if (f == null) {
            return "text";
        }
        String v = f.toLowerCase(Locale.ROOT);
        if (!v.equals("text") && !v.equals("json")) {
            System.err.println("qrepl: QREPL_LOG_FORMAT=" + f + " is neither text nor json; logging as text");
            return "text";
        }
        return v;
    }

    static Level level() {
        String l = setting("QREPL_LOG_LEVEL");
        if (l == null) {
            return Level.INFO;
        }
        Level v = Level.toLevel(l, null);
        if (v == null || v == Level.OFF) {
            System.err.println("qrepl: QREPL_LOG_LEVEL=" + l + " is none of all, trace, debug, info, warn, error; logging at info");
            return Level.INFO;
        }
        return v;
    }

    private static String setting(String name) {
        String v = System.getProperty(name, System.getenv(name));
        return v == null || v.isBlank() ? null : v.strip();
    }
}
