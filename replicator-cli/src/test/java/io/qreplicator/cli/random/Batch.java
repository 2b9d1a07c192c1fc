package io.qreplicator.cli.random;

import java.util.List;

/**
 * What one batch plays on the primary: per session (one in most batches, 2 or 3 in concurrent ones)
 * the statements it runs in order, starting with its session settings. Transactions are delimited
 * by their own BEGIN/COMMIT/ROLLBACK; an autocommitted statement is one by itself. A {@code backlog}
 * batch is played while the sink is stopped, so that the sink applies it in catch-up (merged
 * transactions, statements over many rows, units in parallel) rather than one by one as it comes.
 */
public record Batch(int number, List<List<Sql>> sessions, boolean backlog) {
    /** The batch as a replayable SQL script, sessions one after the other (concurrent ones are marked). */
    public String script() {
        StringBuilder sb = new StringBuilder("-- batch ").append(number).append(", ").append(sessions.size()).append(" session(s)")
                .append(sessions.size() > 1 ? ", run concurrently on the primary" : "")
                .append(backlog ? ", played while the sink was stopped" : "").append('\n');
        for (int i = 0; i < sessions.size(); i++) {
            sb.append("-- session ").append(i).append('\n');
            for (Sql s : sessions.get(i)) {
                sb.append(s.text()).append(";\n");
            }
        }
        return sb.toString();
    }

    public int statements() {
        return sessions.stream().mapToInt(List::size).sum();
    }
}
