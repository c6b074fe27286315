using Xunit.Abstractions;

namespace MigrationFormat.Session.Tests;

/// <summary>
/// The connection cut at every message boundary and in the middle of every message, in both directions: each run
/// ends on both sides without waiting for a timeout, the destination either completed with the source's state or
/// failed with every device as it was, and which of the two it is follows from where the cut fell.
/// </summary>
public class FaultMatrixTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Cut_AtEveryBoundaryAndMidMessage_EndsAsTheRulesPredict()
    {
        MigrationRun reference = await Migration.RunAsync(Source(), Destination(), Options(), Options());
        Assert.True(reference.Destination.Completed, reference.Destination.ToString());
        List<Element> forward = Elements.Split(reference.Wire.Forward);
        List<Element> backward = Elements.Split(reference.Wire.Backward);
        Element committed = backward.Single(e => e.Tag == SessionFormat.CommittedTag);

        var rows = new List<string> { "| cut | falls | source | destination |", "|---|---|---|---|" };
        var directions = new[] { (true, forward, (long)reference.Wire.Forward.Length), (false, backward, (long)reference.Wire.Backward.Length) };
        foreach ((bool isForward, List<Element> elements, long total) in directions)
        {
            foreach ((long offset, string where) in CutPoints(elements))
            {
                IReadOnlyList<SessionDevice> source = Source();
                IReadOnlyList<SessionDevice> destination = Destination();
                string[] before = DeviceState.Of(destination);
                var cut = new Cut(isForward, offset);

                MigrationRun run = await Migration.RunAsync(source, destination, Options(), Options(), cut);

                (bool sourceCompletes, bool destinationCompletes) = isForward
                    ? (offset >= total, offset >= total)
                    : (offset >= committed.End, offset >= committed.Offset);
                Assert.True(sourceCompletes == run.Source.Completed, $"{cut} ({where}): source {run.Source}");
                Assert.True(destinationCompletes == run.Destination.Completed, $"{cut} ({where}): destination {run.Destination}");
                Assert.Equal(destinationCompletes ? DeviceState.Of(source) : before, DeviceState.Of(destination));
                foreach (Outcome side in new[] { run.Source, run.Destination })
                {
                    // A cut is seen at once as the end of the input or a failed write, never waited out.
                    Assert.True(side.Failure?.Kind != SessionErrorKind.PeerSilent, $"{cut} ({where}): {side}");
                }

                rows.Add($"| {cut} | {where} | {Describe(run.Source)} | {Describe(run.Destination)} |");
            }
        }

        output.WriteLine(string.Join(Environment.NewLine, rows));
    }

    internal static IReadOnlyList<SessionDevice> Source() =>
    [
        new(SampleCatalog.CreateBusy(Uart16550.DeviceType, 3)),
        new(SampleCatalog.CreateBusy(Mc146818Rtc.DeviceType, 3)),
        new(SampleCatalog.CreateBusy(VirtioNet.DeviceType, 3)),
        new(SampleCatalog.CreateBusy(VhostUserBackend.DeviceType, 3)),
        new(SessionSamples.CreateBusyAccelerator(pageSize: 512, pageCount: 48)),
    ];

    internal static IReadOnlyList<SessionDevice> Destination() =>
    [
        new(new Uart16550()),
        new(new Mc146818Rtc()),
        new(new VirtioNet()),
        new(new VhostUserBackend()),
        new(new VfioAccelerator(3, 512, 48)),
    ];

    internal static SessionOptions Options() => Migration.Quiet(new SessionOptions { DataChunkSize = 8192 });

    /// <summary>Every boundary between two messages (and the stream's start and end), and the middle of every message.</summary>
    private static IEnumerable<(long Offset, string Where)> CutPoints(List<Element> elements)
    {
        yield return (0, "before the prefix");
        yield return (2, "inside the prefix");
        foreach (Element element in elements)
        {
            yield return (element.Offset, "before " + element.Name);
            if (element.Length > 1)
            {
                yield return (element.Offset + (element.Length / 2), "inside " + element.Name);
            }
        }

        yield return (elements[^1].End, "after the end (no cut)");
    }

    private static string Describe(Outcome outcome)
    {
        if (outcome.Completed)
        {
            return "completed";
        }

        string device = outcome.Failure!.Device is { } name ? ", " + name : string.Empty;
        return $"{outcome.Failure.Kind} in {MigrationSessionException.PhaseName(outcome.Failure.Phase)}{device}";
    }
}
