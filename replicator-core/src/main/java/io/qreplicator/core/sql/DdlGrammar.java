package io.qreplicator.core.sql;

import io.debezium.ddl.parser.mariadb.generated.MariaDBLexer;
import io.debezium.ddl.parser.mariadb.generated.MariaDBParser;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.tree.ParseTree;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads DDL statements with MariaDB's SQL grammar (the ANTLR grammar Debezium's connectors use): the
 * objects a statement names, for {@link DdlTargets}, and the indexes an ALTER TABLE adds without a
 * name, for the sink's replay after a crash. A statement the grammar does not read without error, or
 * a form it does not know here, gives null: the callers then err on the safe side. The first
 * statement costs the grammar's warm-up (under a second); the following ones a few milliseconds.
 */
public final class DdlGrammar {
    private DdlGrammar() {
    }

    /**
     * An index an ALTER TABLE adds without naming it (the server names it after its first column).
     *
     * @param kind    INDEX, UNIQUE, FULLTEXT or SPATIAL
     * @param columns its key parts' columns, unquoted, in lower case
     */
    public record UnnamedIndex(String schema, String table, String kind, List<String> columns) {
    }

    /**
     * @param database the statement's default database, for an unqualified table
     * @return the indexes {@code sql} adds without names, when that is all it does (ALGORITHM and LOCK
     *         clauses aside); null for any other statement, a named index, or a key part that is an
     *         expression
     */
    public static List<UnnamedIndex> unnamedIndexes(String database, String sql) {
        ParseTree s = statement(sql);
        if (!(s instanceof MariaDBParser.AlterTableContext a) || a.tableName() == null) {
            return null;
        }
        List<String> parts = DdlTargets.nameParts(a.tableName().getText()); // as written: information_schema compares them so
        String schema = parts.size() == 2 ? parts.get(0) : database == null ? "" : database;
        String table = parts.get(parts.size() - 1);
        List<UnnamedIndex> added = new ArrayList<>();
        for (MariaDBParser.AlterSpecificationContext spec : a.alterSpecification()) {
            String kind;
            MariaDBParser.IndexColumnNamesContext columns;
            if (spec instanceof MariaDBParser.AlterByAddIndexContext i && i.uid() == null) {
                kind = "INDEX";
                columns = i.indexColumnNames();
            } else if (spec instanceof MariaDBParser.AlterByAddSpecialIndexContext i && i.uid() == null) {
                kind = i.keyType.getText().toUpperCase(Locale.ROOT);
                columns = i.indexColumnNames();
            } else if (spec instanceof MariaDBParser.AlterByAddUniqueKeyContext u && u.name == null && u.indexName == null) {
                kind = "UNIQUE";
                columns = u.indexColumnNames();
            } else if (spec instanceof MariaDBParser.AlterBySetAlgorithmContext || spec instanceof MariaDBParser.AlterByLockContext) {
                continue;
            } else {
                return null;
            }
            List<String> names = plainColumns(columns);
            if (names == null) {
                return null;
            }
            added.add(new UnnamedIndex(schema, table, kind, names));
        }
        return added.isEmpty() ? null : added;
    }

    /**
     * A foreign key an ALTER TABLE adds without naming its constraint (the server names it
     * {@code t_ibfk_N}); columns unquoted, in lower case, names as written.
     */
    public record UnnamedForeignKey(String schema, String table, List<String> columns, String refSchema, String refTable,
                                    List<String> refColumns) {
    }

    /**
     * @return the foreign keys {@code sql} adds without constraint names, when that is all it does
     *         (ALGORITHM and LOCK clauses aside); null for any other statement
     */
    public static List<UnnamedForeignKey> unnamedForeignKeys(String database, String sql) {
        ParseTree s = statement(sql);
        if (!(s instanceof MariaDBParser.AlterTableContext a) || a.tableName() == null) {
            return null;
        }
        List<String> parts = DdlTargets.nameParts(a.tableName().getText());
        String schema = parts.size() == 2 ? parts.get(0) : database == null ? "" : database;
        String table = parts.get(parts.size() - 1);
        List<UnnamedForeignKey> added = new ArrayList<>();
        for (MariaDBParser.AlterSpecificationContext spec : a.alterSpecification()) {
            if (spec instanceof MariaDBParser.AlterBySetAlgorithmContext || spec instanceof MariaDBParser.AlterByLockContext) {
                continue;
            }
            if (!(spec instanceof MariaDBParser.AlterByAddForeignKeyContext fk) || fk.name != null
                    || fk.referenceDefinition().indexColumnNames() == null) {
                return null;
            }
            List<String> ref = DdlTargets.nameParts(fk.referenceDefinition().tableName().getText());
            List<String> columns = plainColumns(fk.indexColumnNames());
            List<String> refColumns = plainColumns(fk.referenceDefinition().indexColumnNames());
            if (columns == null || refColumns == null) {
                return null;
            }
            added.add(new UnnamedForeignKey(schema, table, columns, ref.size() == 2 ? ref.get(0) : schema,
                    ref.get(ref.size() - 1), refColumns));
        }
        return added.isEmpty() ? null : added;
    }

    private static List<String> plainColumns(MariaDBParser.IndexColumnNamesContext columns) {
        List<String> names = new ArrayList<>();
        for (MariaDBParser.IndexColumnNameContext part : columns.indexColumnName()) {
            if (part.uid() == null) {
                return null; // an expression or a string: not a plain key part
            }
            names.add(DdlTargets.schemaKey(part.uid().getText()));
        }
        return List.copyOf(names);
    }

    /** @return the statement's targets, or null when the grammar cannot tell them */
    static DdlTargets read(String database, String sql) {
        ParseTree s = statement(sql);
        if (s == null) {
            return null;
        }
        List<String> tables = new ArrayList<>();
        if (s instanceof MariaDBParser.CreateTableContext c) {
            tables.add(name(database, c.getRuleContext(MariaDBParser.TableNameContext.class, 0))); // LIKE's and SELECT's are read only
        } else if (s instanceof MariaDBParser.AlterTableContext a) {
            tables.add(name(database, a.tableName()));
            for (MariaDBParser.AlterSpecificationContext spec : a.alterSpecification()) {
                if (spec instanceof MariaDBParser.AlterByRenameContext r) {
                    tables.add(DdlTargets.qualify(database, (r.fullId() != null ? r.fullId() : r.uid()).getText()));
                }
            }
        } else if (s instanceof MariaDBParser.DropTableContext d) {
            d.tables().tableName().forEach(t -> tables.add(name(database, t)));
        } else if (s instanceof MariaDBParser.RenameTableContext r) {
            r.renameTableClause().forEach(cl -> cl.tableName().forEach(t -> tables.add(name(database, t))));
        } else if (s instanceof MariaDBParser.TruncateTableContext t) {
            tables.add(name(database, t.tableName()));
        } else if (s instanceof MariaDBParser.CreateIndexContext || s instanceof MariaDBParser.DropIndexContext) {
            tables.add(name(database, ((ParserRuleContext) s).getRuleContext(MariaDBParser.TableNameContext.class, 0)));
        } else if (s instanceof MariaDBParser.CreateSequenceContext c) {
            tables.add(DdlTargets.qualify(database, c.fullId().getText()));
        } else if (s instanceof MariaDBParser.CreateDatabaseContext c) {
            return new DdlTargets(Set.of(), Set.of(DdlTargets.schemaKey(c.uid().getText())), false);
        } else if (s instanceof MariaDBParser.DropDatabaseContext d) {
            return new DdlTargets(Set.of(), Set.of(DdlTargets.schemaKey(d.uid().getText())), false);
        } else if (s instanceof MariaDBParser.CreateViewContext || s instanceof MariaDBParser.AlterViewContext
                || s instanceof MariaDBParser.DropViewContext) { // they change no table's columns
            List<String> views = new ArrayList<>();
            ((ParserRuleContext) s).getRuleContexts(MariaDBParser.FullIdContext.class)
                    .forEach(v -> views.add(DdlTargets.qualify(database, v.getText())));
            return DdlTargets.ofObjects(views, List.of());
        } else if (s instanceof MariaDBParser.CreateProcedureContext || s instanceof MariaDBParser.CreateFunctionContext
                || s instanceof MariaDBParser.AlterProcedureContext || s instanceof MariaDBParser.AlterFunctionContext
                || s instanceof MariaDBParser.DropProcedureContext || s instanceof MariaDBParser.DropFunctionContext
                || s instanceof MariaDBParser.CreateEventContext || s instanceof MariaDBParser.AlterEventContext
                || s instanceof MariaDBParser.DropEventContext) {
            List<String> schemas = new ArrayList<>(); // ALTER EVENT ... RENAME TO: both names' schemas
            ((ParserRuleContext) s).getRuleContexts(MariaDBParser.FullIdContext.class)
                    .forEach(r -> schemas.add(DdlTargets.schemaOf(database, r.getText())));
            return DdlTargets.ofObjects(List.of(), schemas);
        } else if (s instanceof MariaDBParser.CreateTriggerContext c) {
            return DdlTargets.ofCreatedTrigger(database, c.thisTrigger.getText(), c.tableName().getText());
        } else if (s instanceof MariaDBParser.DropTriggerContext d) {
            return DdlTargets.ofDroppedTrigger(database, d.fullId().getText());
        } else if (s instanceof MariaDBParser.CreateUdfunctionContext) {
            return DdlTargets.NONE; // a UDF is the server's, in no database
        } else {
            return null;
        }
        if (tables.contains(null)) {
            return null;
        }
        return DdlTargets.ofTables(tables);
    }

    /** The one DDL statement {@code sql} holds, parsed; null when it does not parse cleanly or is not one DDL statement. */
    private static ParseTree statement(String sql) {
        MariaDBLexer lexer = new MariaDBLexer(CharStreams.fromString(ExecutableComments.open(sql)));
        MariaDBParser parser = new MariaDBParser(new CommonTokenStream(lexer));
        int[] errors = {0};
        BaseErrorListener count = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int column, String msg, RecognitionException e) {
                errors[0]++;
            }
        };
        lexer.removeErrorListeners();
        parser.removeErrorListeners();
        lexer.addErrorListener(count);
        parser.addErrorListener(count);
        MariaDBParser.RootContext root;
        try {
            root = parser.root();
        } catch (RuntimeException e) {
            return null;
        }
        if (errors[0] > 0 || root.sqlStatements() == null || root.sqlStatements().sqlStatement().size() != 1) {
            return null;
        }
        MariaDBParser.DdlStatementContext ddl = root.sqlStatements().sqlStatement(0).ddlStatement();
        return ddl == null || ddl.getChildCount() == 0 ? null : ddl.getChild(0);
    }

    private static String name(String database, MariaDBParser.TableNameContext t) {
        return t == null ? null : DdlTargets.qualify(database, t.getText());
    }
}
