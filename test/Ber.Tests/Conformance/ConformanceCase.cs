using System.Reflection;
using System.Text.RegularExpressions;
using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests.Conformance;

/// <summary>
/// One row of ConformanceVerdicts.tsv: a case from the repository's test/conformance (copied to <c>conformance/</c> beside the
/// tests), the bytes we expect it to hold, the source's verdict, ours, and why ours differs.
/// </summary>
internal sealed record ConformanceCase(string Source, string Id, string BytesHex, string Theirs, string Ours, string Reason)
{
    public const string Suite = "ber-suite";
    public const string Botan = "botan";
    public const string Samples = "ber-samples";

    private static readonly Lazy<IReadOnlyList<ConformanceCase>> AllCases = new(Load);

    public static IReadOnlyList<ConformanceCase> All => AllCases.Value;

    public static string ConformanceDirectory
    {
        get
        {
            string path = Path.Combine(AppContext.BaseDirectory, "conformance");
            Assert.True(Directory.Exists(path), $"The conformance files are missing from {path}; they are copied from test/conformance at build time.");
            return path;
        }
    }

    /// <summary>Gets our verdict: <see langword="null"/> to accept, or the kind of error we reject with.</summary>
    public MigrationErrorKind? OurRejection => Ours == "accept" ? null : Enum.Parse<MigrationErrorKind>(Ours["reject:".Length..]);

    public bool OursAccepts => Ours == "accept";

    public bool Agrees => OursAccepts == (Theirs == "accept");

    public static ConformanceCase Get(string source, string id) => All.Single(c => c.Source == source && c.Id == id);

    /// <summary>Reads the case's bytes from the source's own files.</summary>
    public byte[] ReadBytes() => Source switch
    {
        Suite => File.ReadAllBytes(Path.Combine(ConformanceDirectory, "ber-suite", "suite", Id + ".ber")),
        Samples => File.ReadAllBytes(Path.Combine(ConformanceDirectory, "ber-samples", Id + ".ber")),
        _ => Hex.Parse(BotanVectors()[int.Parse(Id[1..]) - 1].Input),
    };

    /// <summary>Reads the source's verdict from its own files: EXPECTED.md, the .vec file's ResultBER, or README.md.</summary>
    public string ReadTheirVerdict() => Source switch
    {
        Suite => SuiteVerdicts()[Id],
        Samples => SampleVerdicts()[Id],
        _ => BotanVectors()[int.Parse(Id[1..]) - 1].ResultBer == "OK" ? "accept" : "reject",
    };

    /// <summary>The Input and ResultBER of every vector in asn1_decoding.vec, in file order.</summary>
    public static List<(string Input, string ResultBer)> BotanVectors()
    {
        var vectors = new List<(string, string)>();
        string? input = null;
        foreach (string line in File.ReadLines(Path.Combine(ConformanceDirectory, "botan-asn1", "asn1_decoding.vec")))
        {
            if (line.StartsWith("Input =", StringComparison.Ordinal))
            {
                input = line["Input =".Length..].Trim();
            }
            else if (line.StartsWith("ResultBER =", StringComparison.Ordinal) && input is not null)
            {
                vectors.Add((input, line["ResultBER =".Length..].Trim()));
                input = null;
            }
        }

        return vectors;
    }

    /// <summary>The verdict column of EXPECTED.md's table: ACCEPT... or REJECT.</summary>
    public static Dictionary<string, string> SuiteVerdicts()
    {
        var verdicts = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(Path.Combine(ConformanceDirectory, "ber-suite", "EXPECTED.md")))
        {
            string[] cells = TableCells(line);
            if (cells.Length >= 5 && Regex.IsMatch(cells[0], "^tc[0-9]+$"))
            {
                verdicts[cells[0]] = cells[4].StartsWith("ACCEPT", StringComparison.Ordinal) ? "accept" : "reject";
            }
        }

        return verdicts;
    }

    /// <summary>
    /// The "X.690 verdict" column of the samples' README: "accept ..." is accept; everything else ("reject ...",
    /// and e26's "depends on framing: reject if a file holds one value") is reject.
    /// </summary>
    public static Dictionary<string, string> SampleVerdicts()
    {
        var verdicts = new Dictionary<string, string>();
        foreach (string line in File.ReadLines(Path.Combine(ConformanceDirectory, "ber-samples", "README.md")))
        {
            string[] cells = TableCells(line);
            if (cells.Length >= 4 && Regex.IsMatch(cells[0], "^[a-e][0-9]*-"))
            {
                verdicts[cells[0]] = cells[3].StartsWith("accept", StringComparison.Ordinal) ? "accept" : "reject";
            }
        }

        return verdicts;
    }

    public static string[] TableCells(string line)
    {
        string trimmed = line.Trim();
        if (!trimmed.StartsWith('|'))
        {
            return [];
        }

        return trimmed.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
    }

    public override string ToString() => Source + "/" + Id;

    private static List<ConformanceCase> Load()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ConformanceVerdicts.tsv")
            ?? throw new InvalidOperationException("ConformanceVerdicts.tsv is not embedded.");
        using var text = new StreamReader(stream);
        var cases = new List<ConformanceCase>();
        while (text.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] f = line.Split('\t');
            cases.Add(new ConformanceCase(f[0], f[1], f[2], f[3], f[4], f.Length > 5 ? f[5] : ""));
        }

        return cases;
    }
}
