package spark.kafka;

import java.io.PrintStream;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * One plain line per query event on stdout, prefixed "[wordcount]", whatever Spark's log level:
 * what `npm run submit -- --follow` shows, and how tools see that the query runs and keeps up.
 */
public final class ProgressLines extends StreamingQueryListener {
    public static final String PREFIX = "[wordcount] ";
    private final PrintStream out;
    private boolean reported;

    public ProgressLines(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
        out.println(PREFIX + "started id=" + event.id() + " run=" + event.runId());
        out.flush();
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        // Idle triggers report too; only batches that did work are worth a line, and the run's first
        // report (which says the query runs, even when a restart from a checkpoint finds no new data).
        if (event.progress().numInputRows() == 0 && reported) return;
        reported = true;
        out.println(PREFIX + "batch " + event.progress().batchId() + ": " + event.progress().numInputRows()
            + " rows in " + event.progress().batchDuration() + " ms");
        // Where the batch ended in each partition ({"topic":{"0":120,...}}): with the topic's end
        // offsets, how far behind the job is (npm run status), on any cluster, from the log alone.
        for (SourceProgress source : event.progress().sources()) {
            if (source.endOffset() != null) out.println(PREFIX + "offsets " + event.progress().batchId() + " " + source.endOffset().replaceAll("\\s+", ""));
        }
        out.flush();
    }

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
        out.println(PREFIX + "stopped" + (event.exception().isDefined() ? ": " + event.exception().get() : ""));
        out.flush();
    }
}
