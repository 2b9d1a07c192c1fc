package io.qreplicator.source.binlog;

import com.github.shyiko.mysql.binlog.GtidSet;

/** MySQL's executed GTID set ({@code uuid:1-100,uuid2:1-7}), grown by each committed transaction. */
public final class MysqlGtidState implements GtidState {
    private final GtidSet set;

    public MysqlGtidState(String initial) {
        this.set = new GtidSet(initial == null ? "" : initial);
    }

    @Override
    public String commit(String gtid) {
        if (!gtid.isEmpty()) {
            set.add(gtid);
        }
        return text();
    }

    @Override
    public String text() {
        return set.toString();
    }

    @Override
    public boolean mariadb() {
        return false;
    }
}
