import java.util.Collection;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.BrokerIdNotRegisteredException;

/**
 * UnregisterBroker BOOTSTRAP ID LINGER_MS: run by run-kafka.sh when a node stops, before its broker's
 * JVM does. Removes the broker's registration from the KRaft metadata, then keeps this node's
 * controller up while the lab is stopping and another broker is still registered, for at most
 * LINGER_MS.
 *
 * Why: a registration left unfenced (controlled.shutdown.enable=false) makes the next start of the
 * same broker wait a whole broker.session.timeout.ms plus the retry back-off
 * (DUPLICATE_BROKER_REGISTRATION). Why the linger: when the whole lab stops, every node does this at
 * once, and the slowest node's unregistration commits only while a majority of the voters still
 * runs; the others wait until they see it (brokers see committed records only). A node stopped
 * alone sees no other broker leave within QUIET_MS and stops then.
 *
 * Prints one line; exit 0 when the broker is not registered any more, 1 otherwise.
 */
public final class UnregisterBroker {
  /** Without another broker leaving in this time, this node is stopping alone. */
  private static final long QUIET_MS = 2000;

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    int id = Integer.parseInt(args[1]);
    long lingerMs = Long.parseLong(args[2]);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "6000");
    try (Admin admin = Admin.create(props)) {
      String how = "unregistered";
      try {
        admin.unregisterBroker(id).all().get();
      } catch (ExecutionException e) {
        // A retry of a request that had succeeded (a busy stop) ends here: the goal holds.
        if (!(e.getCause() instanceof BrokerIdNotRegisteredException)) {
          System.out.println("broker " + id + " could not unregister: " + e.getCause());
          System.exit(1);
        }
        how = "unregistered (on a retry)";
      }
      long start = System.nanoTime();
      int first = -1;
      int others = -1;
      boolean labStopping = false;
      for (long waited = 0; waited < lingerMs; waited = (System.nanoTime() - start) / 1_000_000) {
        try {
          Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(1000)).nodes().get();
          others = (int) nodes.stream().filter(n -> n.id() != id).count();
        } catch (ExecutionException e) {
          others = 0; // nobody answers: nothing left to wait for
        }
        if (first < 0) first = others;
        labStopping |= others < first;
        if (others == 0 || (!labStopping && waited >= QUIET_MS)) break;
        Thread.sleep(200);
      }
      System.out.printf("broker %d %s; stopping after %.1f s (%s)%n", id, how, (System.nanoTime() - start) / 1e9,
          others == 0 ? "no other broker registered" : labStopping ? others + " other broker(s) still registered after the linger" : "the others stay: stopped alone");
    }
  }
}
