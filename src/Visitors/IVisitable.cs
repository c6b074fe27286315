namespace MigrationFormat.Visitors;

/// <summary>State that describes itself once, through a visitor, for every direction.</summary>
public interface IVisitable
{
    /// <summary>Visits every field of the state, in a fixed order.</summary>
    /// <typeparam name="TVisitor">The concrete visitor; generic so that calls are devirtualized.</typeparam>
    /// <param name="visitor">The visitor.</param>
    void Visit<TVisitor>(ref TVisitor visitor)
        where TVisitor : IStateVisitor, allows ref struct;
}
