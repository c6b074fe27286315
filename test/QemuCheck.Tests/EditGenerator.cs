namespace MigrationFormat.QemuCheck.Tests;

/// <summary>The kinds of random edit the property tests apply to a real device entry (every kind issue 18 lists).</summary>
public enum EditKind
{
    FieldRemoved,
    FieldRenamed,
    FieldResized,
    FieldAdded,
    FieldsSwapped,
    FieldVersionMoved,
    SectionVersionRaised,
    SectionVersionLowered,
    SectionMinimumRaised,
    SectionMinimumLowered,
    SubsectionVersionRaised,
    SubsectionVersionLowered,
    SubsectionMinimumRaised,
    SubsectionMinimumLowered,
    SubsectionAdded,
    SubsectionRemoved,
    SectionRemoved,
}

/// <summary>Applies one edit of a given kind at a random place of a device entry; null when the entry has no place for it.</summary>
internal static class EditGenerator
{
    public static VmStateDumpDevice? Apply(VmStateDumpDevice device, EditKind kind, Random random)
    {
        VmsdDescription top = device.Description!;
        switch (kind)
        {
            case EditKind.SectionVersionRaised:
                return device with { VersionId = device.VersionId + 1, Description = top with { VersionId = top.VersionId + 1 } };
            case EditKind.SectionVersionLowered:
                return device.VersionId == 0
                    ? null
                    : device with { VersionId = device.VersionId - 1, Description = top with { VersionId = top.VersionId - 1 } };
            case EditKind.SectionMinimumRaised:
                return device with { MinimumVersionId = device.MinimumVersionId + 1, Description = top with { MinimumVersionId = top.MinimumVersionId + 1 } };
            case EditKind.SectionMinimumLowered:
                return top.MinimumVersionId == 0
                    ? null
                    : device with
                    {
                        MinimumVersionId = Math.Max(0, device.MinimumVersionId - 1),
                        Description = top with { MinimumVersionId = top.MinimumVersionId - 1 },
                    };
            case EditKind.SectionRemoved:
                return device with { Description = null };
        }

        // Everything else edits one description of the tree, picked at random among those that allow the edit.
        var descriptions = new List<VmsdDescription>();
        Collect(top, descriptions, includeSubsections: true);
        var subsectionsOf = descriptions.Where(d => d.Subsections.Count > 0).ToList();
        bool isSubsectionEdit = kind is EditKind.SubsectionVersionRaised or EditKind.SubsectionVersionLowered or EditKind.SubsectionMinimumRaised
            or EditKind.SubsectionMinimumLowered or EditKind.SubsectionRemoved;
        VmsdDescription target;
        if (isSubsectionEdit)
        {
            if (subsectionsOf.Count == 0)
            {
                return null;
            }

            target = subsectionsOf[random.Next(subsectionsOf.Count)];
        }
        else
        {
            var withFields = descriptions.Where(d => kind == EditKind.SubsectionAdded || d.Fields.Count >= (kind == EditKind.FieldsSwapped ? 2 : 1)).ToList();
            if (withFields.Count == 0)
            {
                return null;
            }

            target = withFields[random.Next(withFields.Count)];
        }

        VmsdDescription? edited = Edit(target, kind, random);
        return edited is null ? null : device with { Description = Replace(top, target, edited) };
    }

    private static VmsdDescription? Edit(VmsdDescription d, EditKind kind, Random random)
    {
        var fields = d.Fields.ToList();
        var subs = d.Subsections.ToList();
        int i = fields.Count == 0 ? 0 : random.Next(fields.Count);
        switch (kind)
        {
            case EditKind.FieldRemoved:
                fields.RemoveAt(i);
                break;
            case EditKind.FieldRenamed:
                fields[i] = fields[i] with { Name = fields[i].Name + "_renamed" };
                break;
            case EditKind.FieldResized:
                if (fields[i].Nested is not null || fields[i].Size == 0)
                {
                    return null;
                }

                fields[i] = fields[i] with { Size = fields[i].Size switch { 1 => 2, 2 => 4, 4 => random.Next(2) == 0 ? 8 : 2, 8 => 4, int n => n + 1 } };
                break;
            case EditKind.FieldAdded:
                fields.Insert(random.Next(fields.Count + 1), new VmsdField("added_" + random.Next(1000), 0, false, null, new[] { 1, 2, 4, 8 }[random.Next(4)],
                    null));
                break;
            case EditKind.FieldsSwapped:
                int j = random.Next(fields.Count - 1);
                (fields[j], fields[j + 1]) = (fields[j + 1], fields[j]);
                if (fields[j] == fields[j + 1])
                {
                    return null;
                }

                break;
            case EditKind.FieldVersionMoved:
                if (fields[i].FieldExists)
                {
                    return null;
                }

                int version = fields[i].VersionId == 0 ? d.VersionId + 1 : random.Next(2) == 0 ? 0 : d.VersionId + 1;
                fields[i] = fields[i] with { VersionId = version };
                break;
            case EditKind.SubsectionAdded:
                subs.Insert(random.Next(subs.Count + 1), new VmsdDescription(d.Name + "/added", 1, 1, [new VmsdField("value", 0, false, null, 4, null)], []));
                break;
            case EditKind.SubsectionRemoved:
                subs.RemoveAt(random.Next(subs.Count));
                break;
            default:
                int k = random.Next(subs.Count);
                VmsdDescription s = subs[k];
                subs[k] = kind switch
                {
                    EditKind.SubsectionVersionRaised => s with { VersionId = s.VersionId + 1 },
                    EditKind.SubsectionVersionLowered => s.VersionId == 0 ? s : s with { VersionId = s.VersionId - 1 },
                    EditKind.SubsectionMinimumRaised => s with { MinimumVersionId = s.MinimumVersionId + 1 },
                    _ => s.MinimumVersionId == 0 ? s : s with { MinimumVersionId = s.MinimumVersionId - 1 },
                };
                if (ReferenceEquals(subs[k], s))
                {
                    return null;
                }

                break;
        }

        return d with { Fields = fields, Subsections = subs };
    }

    private static void Collect(VmsdDescription d, List<VmsdDescription> into, bool includeSubsections)
    {
        into.Add(d);
        foreach (VmsdField field in d.Fields)
        {
            if (field.Nested is { } nested)
            {
                Collect(nested, into, includeSubsections);
            }
        }

        if (includeSubsections)
        {
            foreach (VmsdDescription sub in d.Subsections)
            {
                Collect(sub, into, includeSubsections);
            }
        }
    }

    /// <summary>Replaces one description (by reference) wherever it occurs in the tree.</summary>
    private static VmsdDescription Replace(VmsdDescription d, VmsdDescription target, VmsdDescription edited)
    {
        if (ReferenceEquals(d, target))
        {
            return edited;
        }

        var fields = d.Fields.Select(f => f.Nested is { } n ? f with { Nested = Replace(n, target, edited) } : f).ToList();
        var subs = d.Subsections.Select(s => Replace(s, target, edited)).ToList();
        return d with { Fields = fields, Subsections = subs };
    }
}
