import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  width?: number | string;
  render?: (row: T) => ReactNode;
}

/**
 * A table that renders only the rows in view (about 30 of 100,000), with a
 * fixed row height; `onEndReached` loads the next page near the bottom.
 */
export function VirtualTable<T>({ rows, columns, rowKey, height = 520, onEndReached, onRowClick, testId, selected }: {
  rows: readonly T[];
  columns: ReadonlyArray<Column<T>>;
  rowKey: (row: T) => string;
  height?: number;
  onEndReached?: () => void;
  onRowClick?: (row: T) => void;
  testId?: string;
  selected?: string;
}) {
  const parent = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => 34, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  useEffect(() => {
    if (onEndReached && last && last.index >= rows.length - 20) onEndReached();
  }, [last?.index, rows.length, onEndReached]);
  const template = columns.map((c) => (typeof c.width === 'number' ? `${c.width}px` : c.width ?? '1fr')).join(' ');
  return (
    <div className="vtable" data-testid={testId} data-rows={rows.length}>
      <div className="vrow vhead" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => <div key={c.key}>{c.header}</div>)}
      </div>
      <div ref={parent} className="vbody" style={{ height }}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            const id = rowKey(row);
            return (
              <div key={id} data-row={id} className={`vrow${onRowClick ? ' clickable' : ''}${selected === id ? ' selected' : ''}`}
                style={{ gridTemplateColumns: template, position: 'absolute', top: 0, left: 0, right: 0, height: item.size, transform: `translateY(${item.start}px)` }}
                onClick={onRowClick ? () => onRowClick(row) : undefined}>
                {columns.map((c) => <div key={c.key} className="cell">{c.render ? c.render(row) : String((row as Record<string, unknown>)[c.key] ?? '-')}</div>)}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export const Badge = ({ value }: { value: string }) => <span className={`badge s-${value}`}>{value}</span>;

export function Card({ title, value, testId, children }: { title: string; value?: ReactNode; testId?: string; children?: ReactNode }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="card-title">{title}</div>
      {value !== undefined && <div className="card-value">{value}</div>}
      {children}
    </div>
  );
}

export const ErrorLine = ({ error }: { error?: string }) => (error ? <div className="error" role="alert">{error}</div> : null);
