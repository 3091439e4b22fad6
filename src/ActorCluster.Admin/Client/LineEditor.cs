using System.Text;

namespace ActorCluster.Admin.Client;

/// <summary>
/// A minimal readline for the interactive prompt when stdin is a terminal: editing, history (Up/Down,
/// kept in a file between sessions) and Tab completion. Single-line only, which is all pbm needs.
/// </summary>
internal sealed class LineEditor
{
    private const int MaxHistory = 500;
    private readonly List<string> _history = [];
    private readonly string? _historyFile;

    public LineEditor(string? historyFile)
    {
        _historyFile = historyFile;
        try
        {
            if (historyFile is not null && File.Exists(historyFile))
                _history.AddRange(File.ReadLines(historyFile).Where(l => l.Length > 0).TakeLast(MaxHistory));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Reads one line; null on Ctrl+D at an empty line (end of input).</summary>
    public string? ReadLine(string prompt, Func<IReadOnlyList<string>, string, IReadOnlyList<string>> complete)
    {
        var buffer = new StringBuilder();
        var cursor = 0;
        var shown = 0;
        var historyIndex = _history.Count;
        var pending = "";
        Console.Write(prompt);

        void Redraw()
        {
            var text = buffer.ToString();
            var pad = Math.Max(0, shown - text.Length);
            Console.Write("\r" + prompt + text + new string(' ', pad) + new string('\b', pad + text.Length - cursor));
            shown = text.Length;
        }

        void Replace(string text)
        {
            buffer.Clear().Append(text);
            cursor = text.Length;
            Redraw();
        }

        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.WriteLine();
                    var line = buffer.ToString();
                    if (line.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != line))
                        _history.Add(line);
                    return line;
                case ConsoleKey.D when key.Modifiers.HasFlag(ConsoleModifiers.Control):
                    if (buffer.Length == 0)
                    {
                        Console.WriteLine();
                        return null;
                    }
                    break;
                case ConsoleKey.Backspace:
                    if (cursor > 0) { buffer.Remove(--cursor, 1); Redraw(); }
                    break;
                case ConsoleKey.Delete:
                    if (cursor < buffer.Length) { buffer.Remove(cursor, 1); Redraw(); }
                    break;
                case ConsoleKey.LeftArrow:
                    if (cursor > 0) { cursor--; Console.Write('\b'); }
                    break;
                case ConsoleKey.RightArrow:
                    if (cursor < buffer.Length) { Console.Write(buffer[cursor]); cursor++; }
                    break;
                case ConsoleKey.Home:
                    cursor = 0; Redraw();
                    break;
                case ConsoleKey.End:
                    cursor = buffer.Length; Redraw();
                    break;
                case ConsoleKey.Escape:
                    Replace("");
                    break;
                case ConsoleKey.UpArrow:
                    if (historyIndex > 0)
                    {
                        if (historyIndex == _history.Count) pending = buffer.ToString();
                        Replace(_history[--historyIndex]);
                    }
                    break;
                case ConsoleKey.DownArrow:
                    if (historyIndex < _history.Count)
                        Replace(++historyIndex == _history.Count ? pending : _history[historyIndex]);
                    break;
                case ConsoleKey.Tab:
                    Complete(buffer, ref cursor, complete, prompt, ref shown);
                    Redraw();
                    break;
                default:
                    if (!char.IsControl(key.KeyChar))
                    {
                        buffer.Insert(cursor++, key.KeyChar);
                        Redraw();
                    }
                    break;
            }
        }
    }

    private static void Complete(StringBuilder buffer, ref int cursor, Func<IReadOnlyList<string>, string, IReadOnlyList<string>> complete,
        string prompt, ref int shown)
    {
        var text = buffer.ToString(0, cursor);
        var start = text.LastIndexOf(' ') + 1;
        var prefix = text[start..];
        var before = PbmConsole.Tokenize(text[..start]);
        var candidates = complete(before, prefix);
        if (candidates.Count == 0) return;
        string insert;
        if (candidates.Count == 1)
        {
            insert = candidates[0][prefix.Length..] + " ";
        }
        else
        {
            var common = candidates.Aggregate((a, b) => a[..CommonLength(a, b)]);
            insert = common[prefix.Length..];
            if (insert.Length == 0)
            {
                // Nothing more to add: show the choices, then the prompt again below them.
                Console.WriteLine();
                Console.WriteLine(string.Join("  ", candidates));
                Console.Write(prompt);
                shown = 0;
            }
        }
        buffer.Insert(cursor, insert);
        cursor += insert.Length;
    }

    private static int CommonLength(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && char.ToLowerInvariant(a[n]) == char.ToLowerInvariant(b[n])) n++;
        return n;
    }

    public void SaveHistory()
    {
        if (_historyFile is null) return;
        try
        {
            File.WriteAllLines(_historyFile, _history.TakeLast(MaxHistory));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
