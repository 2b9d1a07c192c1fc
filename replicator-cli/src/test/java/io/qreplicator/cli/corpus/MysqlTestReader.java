package io.qreplicator.cli.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Cuts a mysqltest file ({@code .test} or {@code .inc}) into its items, as mysqltest reads it: a
 * line starting with {@code #} is a comment; {@code --word ...} is a command ending at the end of
 * its line (or a comment when the word is no command); anything else runs to the current delimiter
 * (quotes respected), and is a command when its first word is one, else SQL; {@code if (...)} and
 * {@code while (...)} open a block in braces, {@code }} closes it, {@code else} may follow. The
 * delimiter command takes effect while reading, as it does in mysqltest. {@code write_file},
 * {@code append_file} and {@code perl} take the lines after them, up to their terminator line
 * ({@code EOF} unless named), as their body, read once and kept with the item (a loop runs it again);
 * without that line, the body is null.
 */
final class MysqlTestReader {
    /** Every mysqltest command word (mysqltest.cc's command list), so that SQL is never taken for one. */
    static final Set<String> COMMANDS = Set.of("connection", "query", "connect", "sleep", "real_sleep", "inc", "dec",
            "source", "disconnect", "let", "echo", "expr", "while", "end", "save_master_pos", "sync_with_master",
            "sync_slave_with_master", "error", "send", "reap", "dirty_close", "replace_result", "replace_column", "ping",
            "eval", "evalp", "enable_query_log", "disable_query_log", "enable_result_log", "disable_result_log",
            "enable_connect_log", "disable_connect_log", "wait_for_slave_to_stop", "enable_warnings", "disable_warnings",
            "enable_info", "disable_info", "enable_session_track_info", "disable_session_track_info", "enable_metadata",
            "disable_metadata", "enable_column_names", "disable_column_names", "exec", "execw", "exec_in_background",
            "delimiter", "disable_abort_on_error", "enable_abort_on_error", "vertical_results", "horizontal_results",
            "query_vertical", "query_horizontal", "sorted_result", "partially_sorted_result", "lowercase_result",
            "start_timer", "end_timer", "character_set", "disable_ps_protocol", "enable_ps_protocol",
            "enable_ps2_protocol", "disable_ps2_protocol", "disable_view_protocol", "enable_view_protocol",
            "disable_cursor_protocol", "enable_cursor_protocol", "disable_service_connection",
            "enable_service_connection", "disable_reconnect", "enable_reconnect", "if", "disable_parsing",
            "enable_parsing", "replace_regex", "replace_numeric_round", "remove_file", "file_exists", "write_file",
            "copy_file", "perl", "die", "exit", "skip", "chmod", "append_file", "cat_file", "diff_files", "send_quit",
            "change_user", "mkdir", "rmdir", "list_files", "list_files_write_file", "list_files_append_file",
            "send_shutdown", "shutdown_server", "result_format", "move_file", "remove_files_wildcard",
            "copy_files_wildcard", "send_eval", "output", "reset_connection", "query_attributes", "enable_prepare_warnings",
            "disable_prepare_warnings", "enable_ps", "disable_ps", "enable_non_blocking_api", "disable_non_blocking_api",
            "system", "comment", "write_line", "require", "result", "else");

    enum Kind { COMMAND, SQL, BLOCK_OPEN, BLOCK_CLOSE }

    /** Commands followed by lines of data up to a terminator line. */
    private static final Set<String> WITH_BODY = Set.of("write_file", "append_file", "perl");

    /**
     * One item: a command ({@code word} and its argument, with its {@code body} for those that take
     * lines of data, else null), a SQL statement ({@code text}), or a block opener ({@code word}
     * if/while/else with {@code text} its condition) or closer.
     */
    record Item(Kind kind, String word, String text, int line, String body) {
        Item(Kind kind, String word, String text, int line) {
            this(kind, word, text, line, null);
        }
    }

    private final String src;
    private int pos;
    private int line = 1;
    private String delimiter = ";";

    private MysqlTestReader(String src) {
        this.src = src;
    }

    static List<Item> read(String source) {
        MysqlTestReader r = new MysqlTestReader(source);
        List<Item> items = new ArrayList<>();
        for (Item i; (i = r.next()) != null; ) {
            items.add(i);
        }
        return items;
    }

    private Item next() {
        while (true) {
            skipSpace();
            if (pos >= src.length()) {
                return null;
            }
            int at = line;
            char c = src.charAt(pos);
            if (c == '#') {
                restOfLine();
                continue;
            }
            if (src.startsWith("--", pos)) {
                pos += 2;
                String text = restOfLine().trim();
                String word = firstWord(text);
                if (!COMMANDS.contains(word)) {
                    continue; // an SQL-style comment line
                }
                String arg = text.substring(word.length()).trim();
                if (word.equals("delimiter")) {
                    delimiter = arg;
                    continue;
                }
                if (word.equals("if") || word.equals("while")) {
                    return block(word, arg, at);
                }
                return command(word, stripDelimiter(arg), at);
            }
            if (c == '{') {
                pos++;
                return new Item(Kind.BLOCK_OPEN, "{", "", at);
            }
            if (c == '}') {
                pos++;
                return new Item(Kind.BLOCK_CLOSE, "}", "", at);
            }
            String head = firstWord(src.substring(pos, Math.min(src.length(), pos + 40)));
            if (head.equals("if") || head.equals("while")) {
                pos += head.length();
                String cond = restOfLine().trim();
                return block(head, cond, at);
            }
            if (head.equals("else")) {
                pos += head.length();
                return new Item(Kind.BLOCK_OPEN, "else", "", at);
            }
            String text = untilDelimiter();
            String word = firstWord(text);
            if (COMMANDS.contains(word)) {
                String arg = text.substring(word.length()).trim();
                if (word.equals("delimiter")) {
                    delimiter = arg;
                    continue;
                }
                return command(word, arg, at);
            }
            if (!text.isBlank()) {
                return new Item(Kind.SQL, "", text.trim(), at);
            }
        }
    }

    /** A command item; one that takes lines of data reads them now, from the next line on. */
    private Item command(String word, String arg, int at) {
        if (!WITH_BODY.contains(word)) {
            return new Item(Kind.COMMAND, word, arg, at);
        }
        String[] args = arg.trim().split("\\s+");
        String terminator = word.equals("perl") ? (arg.isBlank() ? "EOF" : args[0]) : args.length > 1 ? args[1] : "EOF";
        restOfLine();
        StringBuilder body = new StringBuilder();
        while (pos < src.length()) {
            pos++; // the newline
            line++;
            String l = restOfLine();
            if (l.strip().equals(terminator)) {
                return new Item(Kind.COMMAND, word, arg, at, body.toString());
            }
            body.append(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).append('\n');
        }
        return new Item(Kind.COMMAND, word, arg, at, null); // no terminator: mysqltest dies here, and so does the runner
    }

    /** An if/while line: the condition in its parentheses; a brace on the same line opens the block. */
    private Item block(String word, String rest, int at) {
        int open = rest.indexOf('(');
        int close = rest.lastIndexOf(')');
        String cond = open >= 0 && close > open ? rest.substring(open + 1, close).trim() : rest;
        if (close >= 0 && rest.substring(close + 1).trim().startsWith("{")) {
            // the brace is consumed with the line: hand it back as its own item
            pos--;
            while (pos > 0 && src.charAt(pos) != '{') {
                pos--;
            }
        }
        return new Item(Kind.BLOCK_OPEN, word, cond, at);
    }

    private String stripDelimiter(String arg) {
        return arg.endsWith(delimiter) ? arg.substring(0, arg.length() - delimiter.length()).trim() : arg;
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            if (src.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }
    }

    private String restOfLine() {
        int end = src.indexOf('\n', pos);
        if (end < 0) {
            end = src.length();
        }
        String s = src.substring(pos, end);
        pos = end;
        return s;
    }

    /** Text up to the delimiter (consumed, not returned), outside quotes; at the end of the file, what is left. */
    private String untilDelimiter() {
        StringBuilder sb = new StringBuilder();
        char quote = 0;
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (quote == 0 && src.startsWith(delimiter, pos)) {
                pos += delimiter.length();
                return sb.toString();
            }
            if (c == '\n') {
                line++;
            }
            if (quote != 0) {
                if (c == '\\' && quote != '`' && pos + 1 < src.length()) {
                    sb.append(c);
                    c = src.charAt(++pos);
                    if (c == '\n') {
                        line++;
                    }
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
            } else if (c == '\n' && sb.toString().isBlank()) {
                sb.setLength(0);
                pos++;
                continue;
            }
            sb.append(c);
            pos++;
        }
        return sb.toString();
    }

    static String firstWord(String text) {
        int i = 0;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
            i++;
        }
        return text.substring(0, i).toLowerCase(Locale.ROOT);
    }
}
