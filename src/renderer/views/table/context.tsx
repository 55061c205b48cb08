// The table store's React context (one store per App, like the app store).
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { TableState, TableStore } from '../../state/table-types';

const TableStoreContext = createContext<TableStore | null>(null);

export function TableStoreProvider({ store, children }: { store: TableStore; children: ReactNode }) {
  return <TableStoreContext.Provider value={store}>{children}</TableStoreContext.Provider>;
}

export function useTableStore(): TableStore {
  const store = useContext(TableStoreContext);
  if (!store) throw new Error('useTableStore outside <TableStoreProvider>');
  return store;
}

/** The table store where there is one (views that may render without it). */
export function useTableStoreOptional(): TableStore | null {
  return useContext(TableStoreContext);
}

/** Select from the table state. Select primitives or stable references (zustand 5). */
export function useTables<T>(selector: (s: TableState) => T): T {
  return useStore(useTableStore(), selector);
}
