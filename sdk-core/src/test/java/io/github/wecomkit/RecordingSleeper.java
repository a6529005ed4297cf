package io.github.wecomkit;

import io.github.wecomkit.internal.ApiCaller;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records the waits between retries instead of sleeping, so retry tests are exact and instant. */
final class RecordingSleeper implements ApiCaller.Sleeper {
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
    }

    List<Duration> waits() {
        return List.copyOf(waits);
    }

    int count() {
        return waits.size();
    }
}
