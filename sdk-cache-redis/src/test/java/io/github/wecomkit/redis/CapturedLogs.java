package io.github.wecomkit.redis;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of this module's tests: keeps wecomkit's own events at every level and everything else
 * (Lettuce, Netty, WireMock) from INFO up, so tests can assert what was logged. Lettuce's DEBUG and TRACE output
 * is left out on purpose: it is voluminous, and at TRACE it dumps the bytes on the wire.
 */
public final class CapturedLogs implements SLF4JServiceProvider {
    /** One formatted event. */
    record Event(Level level, String logger, String text) {
    }

    private static final ConcurrentLinkedQueue<Event> EVENTS = new ConcurrentLinkedQueue<>();

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private final ILoggerFactory loggers = CapturingLogger::new;

    static List<Event> events() {
        return new ArrayList<>(EVENTS);
    }

    static void clear() {
        EVENTS.clear();
    }

    /** Every event, one per line, with stack traces. */
    static String allText() {
        StringBuilder all = new StringBuilder();
        for (Event e : EVENTS) {
            all.append(e.level()).append(' ').append(e.logger()).append(' ').append(e.text()).append('\n');
        }
        return all.toString();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class CapturingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final boolean ours;

        CapturingLogger(String name) {
            this.name = name;
            this.ours = name.startsWith("io.github.wecomkit");
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                                                   Throwable throwable) {
            String text = MessageFormatter.basicArrayFormat(pattern, args);
            if (throwable != null) {
                StringWriter trace = new StringWriter();
                throwable.printStackTrace(new PrintWriter(trace));
                text = text + "\n" + trace;
            }
            EVENTS.add(new Event(level, name, text));
            if (level.toInt() >= Level.WARN.toInt()) {
                System.err.println(level + " " + name + " " + text);
            }
        }

        @Override
        public boolean isTraceEnabled() {
            return ours;
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return ours;
        }

        @Override
        public boolean isDebugEnabled() {
            return ours;
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return ours;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return true;
        }
    }
}
