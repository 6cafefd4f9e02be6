import { NotFoundState } from '@/components/states';

export default function NotFoundRoute() {
  return <NotFoundState />;
}
