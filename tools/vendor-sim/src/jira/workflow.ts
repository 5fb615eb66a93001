/** A workflow status with its category, as Jira reports both. */
export interface JiraStatus {
  id: string;
  name: string;
  description: string;
  category: { id: number; key: 'new' | 'indeterminate' | 'done'; colorName: string; name: string };
}

/** A workflow transition; every transition is global (reachable from any other status), as in Jira's simplified workflow. */
export interface JiraTransition {
  id: string;
  name: string;
  to: JiraStatus;
}

const TO_DO: JiraStatus = {
  id: '10000',
  name: 'To Do',
  description: '',
  category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
};
const IN_PROGRESS: JiraStatus = {
  id: '3',
  name: 'In Progress',
  description: 'This issue is being actively worked on at the moment by the assignee.',
  category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
};
const DONE: JiraStatus = {
  id: '10001',
  name: 'Done',
  description: '',
  category: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

/** The status new issues start in. */
export const INITIAL_STATUS = TO_DO;

/** To Do (11), In Progress (21), Done (31). */
export const TRANSITIONS: readonly JiraTransition[] = [
  { id: '11', name: 'To Do', to: TO_DO },
  { id: '21', name: 'In Progress', to: IN_PROGRESS },
  { id: '31', name: 'Done', to: DONE },
];

/** Transitions offered from a status: every global transition except the one leading back to it. */
export function transitionsFrom(status: JiraStatus): JiraTransition[] {
  return TRANSITIONS.filter((t) => t.to.id !== status.id);
}
