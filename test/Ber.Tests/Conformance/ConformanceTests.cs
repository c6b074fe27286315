using MigrationFormat.Ber.Tests.Helpers;

namespace MigrationFormat.Ber.Tests.Conformance;

/// <summary>
/// Every case of the three conformance sets (Strozhevsky's BER suite, Botan's asn1_decoding.vec, the hand-made
/// samples) against <see cref="BerValidator"/> with its default options, and the verdict table that records why
/// we differ from a source where we do.
/// </summary>
public class ConformanceTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (ConformanceCase c in ConformanceCase.All)
        {
            data.Add(c.Source, c.Id);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_ConformanceCase_GivesOurVerdict(string source, string id)
    {
        ConformanceCase c = ConformanceCase.Get(source, id);
        byte[] data = c.ReadBytes();

        MigrationFormatException? error = Record.Exception(() => BerValidator.Validate(data)) as MigrationFormatException;

        Assert.Equal(c.OurRejection, error?.Kind);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_ConformanceCaseInOneByteSegments_GivesTheSameVerdict(string source, string id)
    {
        ConformanceCase c = ConformanceCase.Get(source, id);
        var data = Sequences.FromPieces(Sequences.OneByteEach(c.ReadBytes()));

        MigrationFormatException? error = Record.Exception(() => BerValidator.Validate(data)) as MigrationFormatException;

        Assert.Equal(c.OurRejection, error?.Kind);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_RejectedConformanceCase_ReportsAnOffsetWithinTheInput(string source, string id)
    {
        ConformanceCase c = ConformanceCase.Get(source, id);
        byte[] data = c.ReadBytes();
        Exception? error = Record.Exception(() => BerValidator.Validate(data));

        if (c.OursAccepts)
        {
            Assert.Null(error);
        }
        else
        {
            var failure = Assert.IsType<MigrationFormatException>(error);
            Assert.InRange(failure.Offset, 0, data.Length);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerdictTable_CaseBytes_MatchTheSourceFiles(string source, string id)
    {
        ConformanceCase c = ConformanceCase.Get(source, id);

        Assert.Equal(c.BytesHex, Hex.Of(c.ReadBytes()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerdictTable_TheirVerdict_MatchesTheSourceFiles(string source, string id)
    {
        ConformanceCase c = ConformanceCase.Get(source, id);

        Assert.Equal(c.ReadTheirVerdict(), c.Theirs);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerdictTable_Reason_IsGivenExactlyWhereWeDiffer(string source, string id)
    {
        ConformanceCase c = ConformanceCase.Get(source, id);

        Assert.Equal(!c.Agrees, c.Reason.Length > 0);
    }

    [Fact]
    public void VerdictTable_SuiteCases_AreAll48()
    {
        var expected = Enumerable.Range(1, 48).Select(n => "tc" + n).Order();

        var listed = ConformanceCase.All.Where(c => c.Source == ConformanceCase.Suite).Select(c => c.Id).Order();

        Assert.Equal(expected, listed);
    }

    [Fact]
    public void VerdictTable_BotanCases_AreAll58Vectors()
    {
        int vectors = ConformanceCase.BotanVectors().Count;

        var listed = ConformanceCase.All.Where(c => c.Source == ConformanceCase.Botan).Select(c => c.Id).Order();

        Assert.Equal(58, vectors);
        Assert.Equal(Enumerable.Range(1, vectors).Select(n => $"v{n:D2}").Order(), listed);
    }

    [Fact]
    public void VerdictTable_SampleCases_AreEveryFileInTheIndex()
    {
        var indexed = File.ReadLines(Path.Combine(ConformanceCase.ConformanceDirectory, "ber-samples", "INDEX.tsv"))
            .Select(line => line.Split('\t')[0].Trim())
            .Where(name => name.Length > 0)
            .Order();

        var listed = ConformanceCase.All.Where(c => c.Source == ConformanceCase.Samples).Select(c => c.Id).Order();

        Assert.Equal(32, listed.Count());
        Assert.Equal(indexed, listed);
    }

    [Fact]
    public void ConformanceDocument_VerdictTable_ListsEveryCaseWithOurVerdict()
    {
        string document = Path.Combine(RepositoryRoot(), "docs", "ber-conformance.md");
        var rows = File.ReadLines(document)
            .Select(ConformanceCase.TableCells)
            .Where(cells => cells.Length >= 6 && cells[0] is ConformanceCase.Suite or ConformanceCase.Botan or ConformanceCase.Samples)
            .ToDictionary(cells => cells[0] + "/" + cells[1].Trim('`'), cells => cells);

        Assert.Equal(ConformanceCase.All.Count, rows.Count);
        foreach (ConformanceCase c in ConformanceCase.All)
        {
            string[] cells = rows[c.ToString()];
            Assert.Equal(c.Theirs, cells[3]);
            Assert.Equal(c.Ours.Replace("reject:", "reject: ", StringComparison.Ordinal), cells[4]);
        }
    }

    [Fact]
    public void ConformanceDocument_Counts_MatchTheVerdictTable()
    {
        string text = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "ber-conformance.md"));
        int agree = ConformanceCase.All.Count(c => c.Agrees);
        int differ = ConformanceCase.All.Count(c => !c.Agrees);

        Assert.Contains($"{ConformanceCase.All.Count} cases: {agree} agree, {differ} differ", text, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MigrationFormat.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (MigrationFormat.sln) is not above " + AppContext.BaseDirectory);
    }
}
