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
import java.util.Set;

/**
 * Reads the objects a DDL statement names with MariaDB's SQL grammar (the ANTLR grammar Debezium's
 * connectors use), for {@link DdlTargets}. A statement the grammar does not read without error, or a
 * kind it does not know here, gives null: the caller then falls back to its own reading, which errs
 * on the side of "more". The first statement costs the grammar's warm-up (under a second); the
 * following ones a few milliseconds.
 */
final class DdlGrammar {
    private DdlGrammar() {
    }

    /** @return the statement's targets, or null when the grammar cannot tell them */
    static DdlTargets read(String database, String sql) {
        MariaDBLexer lexer = new MariaDBLexer(CharStreams.fromString(sql));
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
        if (ddl == null || ddl.getChildCount() == 0) {
            return null;
        }
        ParseTree s = ddl.getChild(0);
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
                || s instanceof MariaDBParser.DropViewContext || s instanceof MariaDBParser.CreateProcedureContext
                || s instanceof MariaDBParser.CreateFunctionContext || s instanceof MariaDBParser.DropProcedureContext
                || s instanceof MariaDBParser.DropFunctionContext || s instanceof MariaDBParser.CreateEventContext
                || s instanceof MariaDBParser.AlterEventContext || s instanceof MariaDBParser.DropEventContext
                || s instanceof MariaDBParser.CreateTriggerContext || s instanceof MariaDBParser.DropTriggerContext) {
            return DdlTargets.NONE; // they change no table's columns
        } else {
            return null;
        }
        if (tables.contains(null)) {
            return null;
        }
        return DdlTargets.ofTables(tables);
    }

    private static String name(String database, MariaDBParser.TableNameContext t) {
        return t == null ? null : DdlTargets.qualify(database, t.getText());
    }
}
