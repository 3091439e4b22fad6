using System.Text;
using ActorCluster.Abstractions;

namespace ActorCluster.Workloads;

/// <summary>
/// exec's <c>--command</c>, split into the program and its arguments once, without a shell:
/// <list type="bullet">
/// <item>words are separated by spaces or tabs;</item>
/// <item><c>'...'</c> keeps everything inside as it is;</item>
/// <item><c>"..."</c> keeps spaces, and inside it <c>\"</c> and <c>\\</c> stand for <c>"</c> and <c>\</c>;</item>
/// <item>outside quotes, <c>\</c> keeps the next character as it is;</item>
/// <item><c>{}</c> anywhere in a word, quoted or not, is replaced by the item's input; the input stays inside that
/// one argument whatever characters it holds. Without any <c>{}</c>, the input is added as the last argument.</item>
/// </list>
/// There is no shell, so no globbing, variables, pipes or redirections, unless the command is itself a shell:
/// <c>sh -c 'wc -l "$1"' sh {}</c> hands the input to the script as <c>$1</c>, never as script text.
/// </summary>
public sealed class CommandTemplate
{
    public const string Placeholder = "{}";
    private const int MaxWords = 4096;

    private CommandTemplate(IReadOnlyList<string> words)
    {
        Words = words;
        HasPlaceholder = words.Any(w => w.Contains(Placeholder, StringComparison.Ordinal));
    }

    /// <summary>The program, then its arguments, as written (placeholders not yet replaced).</summary>
    public IReadOnlyList<string> Words { get; }

    public bool HasPlaceholder { get; }

    /// <summary>The program as written; it holds a placeholder when the inputs are themselves the programs.</summary>
    public string Program => Words[0];

    /// <summary>Splits a command by the rules above, or a one-line error.</summary>
    public static CommandTemplate Parse(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < command.Length; i++)
        {
            var c = command[i];
            switch (c)
            {
                case ' ' or '\t':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '\'':
                    var close = command.IndexOf('\'', i + 1);
                    if (close < 0) throw new WorkloadArgumentException("exec: --command has a ' without its closing '");
                    word.Append(command, i + 1, close - i - 1);
                    i = close;
                    inWord = true;
                    break;
                case '"':
                    i = ReadDoubleQuoted(command, i + 1, word);
                    inWord = true;
                    break;
                case '\\':
                    if (i + 1 >= command.Length) throw new WorkloadArgumentException("exec: --command ends with a lone \\");
                    word.Append(command[++i]);
                    inWord = true;
                    break;
                case '\n' or '\r' or '\0':
                    throw new WorkloadArgumentException("exec: --command may not contain line breaks or NUL characters outside quotes");
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
            if (words.Count > MaxWords) throw new WorkloadArgumentException($"exec: --command has more than {MaxWords} words");
        }
        if (inWord) words.Add(word.ToString());
        if (words.Count == 0) throw new WorkloadArgumentException("exec: --command is empty");
        if (words.Any(w => w.Contains('\0'))) throw new WorkloadArgumentException("exec: --command may not contain NUL characters");
        return new CommandTemplate(words);
    }

    /// <summary>The program and arguments for one input: each placeholder replaced, or the input appended.</summary>
    public string[] For(string input)
    {
        if (!HasPlaceholder) return [.. Words, input];
        var argv = new string[Words.Count];
        for (var i = 0; i < argv.Length; i++)
            argv[i] = Words[i].Replace(Placeholder, input, StringComparison.Ordinal);
        return argv;
    }

    private static int ReadDoubleQuoted(string command, int from, StringBuilder word)
    {
        for (var i = from; i < command.Length; i++)
        {
            var c = command[i];
            if (c == '"') return i;
            if (c == '\\' && i + 1 < command.Length && command[i + 1] is '"' or '\\')
                c = command[++i];
            word.Append(c);
        }
        throw new WorkloadArgumentException("exec: --command has a \" without its closing \"");
    }
}
