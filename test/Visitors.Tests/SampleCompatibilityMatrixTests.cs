using MigrationFormat.Samples;

namespace MigrationFormat.Visitors.Tests;

/// <summary>Every sample device, saved as every version and loaded as every version, behaves as DESIGN.md's cross-version rules say.</summary>
public class SampleCompatibilityMatrixTests
{
    public static TheoryData<string, int, int> Pairs()
    {
        var data = new TheoryData<string, int, int>();
        foreach (DeviceType type in SampleCatalog.DeviceTypes)
        {
            for (int i = 1; i <= 3; i++)
            {
                for (int j = 1; j <= 3; j++)
                {
                    data.Add(type.Id, i, j);
                }
            }
        }

        return data;
    }

    internal static DeviceType TypeOf(string id) => SampleCatalog.DeviceTypes.Single(t => t.Id == id);

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Load_SavedAsIAndLoadedAsJ_SucceedsExactlyWhenEveryUnknownFieldIsSkippable(string id, int i, int j)
    {
        DeviceType type = TypeOf(id);
        IDeviceState source = SampleCatalog.CreateBusy(type, i);
        IDeviceState destination = type.Create(j);
        ExpectedLoad expected = ExpectedLoad.Predict(source, type.Create(j));
        byte[] stream = StateDump.Save(source);

        Exception? error = Record.Exception(() => StateDump.Load(stream, destination));

        Assert.Equal(expected.Failure is null, error is null);
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Load_CompatiblePair_KeepsSavedValuesAndDefaultsAndReportsSkippedFields(string id, int i, int j)
    {
        DeviceType type = TypeOf(id);
        IDeviceState source = SampleCatalog.CreateBusy(type, i);
        IDeviceState destination = type.Create(j);
        ExpectedLoad expected = ExpectedLoad.Predict(source, type.Create(j));
        if (expected.Failure is not null)
        {
            Assert.Throws<MigrationFormatException>(() => StateDump.Load(StateDump.Save(source), destination));
            return;
        }

        LoadReport report = StateDump.Load(StateDump.Save(source), destination);

        Assert.Equal(expected.State, StateDump.Of(destination));
        Assert.Equal(expected.Skipped, report.SkippedFields.Count);
        foreach ((string _, FieldSpec spec) in expected.Units)
        {
            Assert.Contains(
                report.SkippedFields,
                s => s.StartsWith(id + ".", StringComparison.Ordinal) && s.EndsWith($".[PRIVATE {spec.Tag}]", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Load_IncompatiblePair_NamesDeviceFieldAndVersionsAndLeavesDeviceUnchanged(string id, int i, int j)
    {
        DeviceType type = TypeOf(id);
        IDeviceState source = SampleCatalog.CreateBusy(type, i);
        ExpectedLoad expected = ExpectedLoad.Predict(source, type.Create(j));
        if (expected.Failure is not { } failure)
        {
            Assert.Null(Record.Exception(() => StateDump.Load(StateDump.Save(source), type.Create(j))));
            return;
        }

        // A destination that is itself busy (of its own version) shows any partial load.
        IDeviceState destination = SampleCatalog.CreateBusy(type, j);
        SortedDictionary<string, string> before = StateDump.Of(destination);

        var ex = Assert.Throws<MigrationFormatException>(() => StateDump.Load(StateDump.Save(source), destination));

        Assert.Equal(MigrationErrorKind.UnknownRequiredField, ex.Kind);
        Assert.Equal(id, ex.Device);
        Assert.Equal($"{id}.[{failure.Spec.Tag}]", ex.FieldPath);
        Assert.Equal(i, ex.SourceVersion);
        Assert.Equal(j, ex.DestinationVersion);
        Assert.Equal(before, StateDump.Of(destination));
    }

    [Fact]
    public void Predict_SampleMatrix_HasBothOutcomes()
    {
        // Guards the matrix against vacuity: some pairs must fail and some must skip.
        var outcomes = (from type in SampleCatalog.DeviceTypes
                        from i in Enumerable.Range(1, 3)
                        from j in Enumerable.Range(1, 3)
                        select ExpectedLoad.Predict(SampleCatalog.CreateBusy(type, i), type.Create(j))).ToList();

        Assert.Equal(8, outcomes.Count(o => o.Failure is not null));
        Assert.Equal(4, outcomes.Count(o => o.Failure is null && o.Skipped > 0));
    }
}
