using System.Globalization;
using System.Numerics;
using MigrationFormat.Visitors;

namespace MigrationFormat.Generators.Tests;

/// <summary>A saving visitor that only counts the fields it is shown: whatever it allocates, the device allocated.</summary>
public ref struct CountingVisitor(int version) : IStateVisitor
{
    public int Count { get; private set; }

    public readonly VisitDirection Direction => VisitDirection.Save;

    public readonly int Version => version;

    public void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => Count++;

    public void Field(FieldSpec<bool> field, ref bool value) => Count++;

    public void Field(FieldSpec<string> field, ref string value) => Count++;

    public void Field(FieldSpec<byte[]> field, ref byte[] value) => Count++;

    public void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T> => Count += values.Length > 0 ? 1 : 0;

    public readonly bool BeginStruct(StructSpec field) => field.ExistsIn(version);

    public readonly void EndStruct()
    {
    }

    public readonly int BeginList(ListSpec field, int count) => -1;

    public readonly void BeginElement()
    {
    }

    public readonly void EndElement()
    {
    }

    public readonly void EndList()
    {
    }

    public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed) =>
        !field.ExistsIn(version) ? OptionalGroup.NotInVersion : needed ? OptionalGroup.Present : OptionalGroup.Absent;

    public readonly void EndOptional()
    {
    }

    public void Blob(BlobSpec field, IBlobState blob) => Count++;
}

/// <summary>A saving visitor that records every field the device's version has, by path, as text; a group's presence is <c>path?</c>.</summary>
public ref struct RecordingVisitor(Dictionary<string, string> values, int version) : IStateVisitor
{
    public readonly VisitDirection Direction => VisitDirection.Save;

    public readonly int Version => version;

    public readonly void Field<T>(FieldSpec<T> field, ref T value)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T> => Record(field, value.ToString(null, CultureInfo.InvariantCulture));

    public readonly void Field(FieldSpec<bool> field, ref bool value) => Record(field, value ? "true" : "false");

    public readonly void Field(FieldSpec<string> field, ref string value) => Record(field, "\"" + value + "\"");

    public readonly void Field(FieldSpec<byte[]> field, ref byte[] value) => Record(field, Convert.ToHexString(value));

    public readonly void Field<T>(ArrayFieldSpec<T> field, Span<T> values)
        where T : unmanaged, IBinaryInteger<T>, IUnsignedNumber<T>
    {
        var parts = new List<string>();
        foreach (T value in values)
        {
            parts.Add(value.ToString(null, CultureInfo.InvariantCulture));
        }

        Record(field, "[" + string.Join(",", parts) + "]");
    }

    public readonly bool BeginStruct(StructSpec field) => field.ExistsIn(version);

    public readonly void EndStruct()
    {
    }

    public readonly int BeginList(ListSpec field, int count) => throw new NotSupportedException();

    public readonly void BeginElement() => throw new NotSupportedException();

    public readonly void EndElement() => throw new NotSupportedException();

    public readonly void EndList() => throw new NotSupportedException();

    public readonly OptionalGroup BeginOptional(OptionalSpec field, bool needed)
    {
        if (!field.ExistsIn(version))
        {
            return OptionalGroup.NotInVersion;
        }

        values[field.Path + "?"] = needed ? "present" : "absent";
        return needed ? OptionalGroup.Present : OptionalGroup.Absent;
    }

    public readonly void EndOptional()
    {
    }

    public readonly void Blob(BlobSpec field, IBlobState blob) => throw new NotSupportedException();

    private readonly void Record(FieldSpec field, string text)
    {
        if (field.ExistsIn(version))
        {
            values[field.Path] = text;
        }
    }
}
