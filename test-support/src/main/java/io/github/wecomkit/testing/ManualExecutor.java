package io.github.wecomkit.testing;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/** An executor that runs nothing until the test calls {@link #runAll()}: background work becomes observable. */
public final class ManualExecutor implements Executor {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
        queue.add(task);
    }

    public int pending() {
        return queue.size();
    }

    public int runAll() {
        int n = 0;
        Runnable task;
        while ((task = queue.poll()) != null) {
            task.run();
            n++;
        }
        return n;
    }
}
